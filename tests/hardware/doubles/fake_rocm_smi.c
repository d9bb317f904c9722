/* Test double of librocm_smi64.so as the ROCm probe uses it: one device
 * "Fake Instinct (test double)" with 64 GiB of VRAM. Fixtures, not measurements. */
#include <stddef.h>
#include <stdint.h>
#include <string.h>

int rsmi_init(uint64_t flags) {
  (void)flags;
  return 0;
}
int rsmi_shut_down(void) { return 0; }
int rsmi_num_monitor_devices(uint32_t* n) {
  *n = 1;
  return 0;
}
int rsmi_dev_name_get(uint32_t i, char* name, size_t len) {
  if (i != 0 || len == 0) return 2;
  strncpy(name, "Fake Instinct (test double)", len - 1);
  name[len - 1] = '\0';
  return 0;
}
int rsmi_dev_memory_total_get(uint32_t i, int type, uint64_t* total) {
  if (i != 0 || type != 0) return 2;
  *total = (uint64_t)64 << 30;
  return 0;
}
