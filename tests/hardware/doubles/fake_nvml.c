/* Test double of libnvidia-ml.so.1: only the entry points accelbench's NVML probe uses.
 * One source, several behaviours chosen at build time (tests/hardware/CMakeLists.txt):
 *   FAKE_HEALTHY (default): one device "Fake GPU (test double)", 16 GiB, cc 8.0
 *   FAKE_MISSING_SYMBOL: no nvmlDeviceGetCount_v2
 *   FAKE_INIT_FAILS:     nvmlInit_v2 returns NVML_ERROR_DRIVER_NOT_LOADED (9)
 *   FAKE_HANGS:          nvmlInit_v2 sleeps forever
 *   FAKE_SEGFAULTS:      nvmlInit_v2 dereferences a null pointer
 * Counters for the harness (FAKE_HEALTHY), counted per call since nvmlInit_v2, so a sequence
 * of reads gives known values: the device is found by PCI bus id "0000:01:00.0" only; the total
 * energy reads 1,000,000 mJ on the first three calls and 1,050,000 mJ after (an idle window of
 * 0 W, then 50 J); the first state read is SM 1980/1980 MHz, 41 C, 118.5 W, no clock limit,
 * later reads SM 1410 MHz, 83 C, 700 W, held down by sw_power_cap + hw_thermal_slowdown.
 * These values are fixtures, not measurements. */
#include <signal.h>
#include <string.h>
#include <unistd.h>

typedef int nvmlReturn_t;
typedef struct {
  unsigned long long total, free, used;
} nvmlMemory_t;
typedef void* nvmlDevice_t;

static int fake_device;
static int energy_calls, clock_calls, temp_calls, power_calls, reason_calls;

static void copy(char* dst, const char* src, unsigned int n) {
  if (n == 0) return;
  strncpy(dst, src, n - 1);
  dst[n - 1] = '\0';
}

nvmlReturn_t nvmlInit_v2(void) {
#if defined(FAKE_INIT_FAILS)
  return 9;
#elif defined(FAKE_HANGS)
  for (;;) pause();
#elif defined(FAKE_SEGFAULTS)
  volatile int* p = 0;
  *p = 1;
  raise(SIGSEGV);
  return 0;
#else
  energy_calls = clock_calls = temp_calls = power_calls = reason_calls = 0;
  return 0;
#endif
}
nvmlReturn_t nvmlShutdown(void) { return 0; }
const char* nvmlErrorString(nvmlReturn_t r) {
  return r == 9 ? "Driver Not Loaded (test double)" : "Unknown Error (test double)";
}
#if !defined(FAKE_MISSING_SYMBOL)
nvmlReturn_t nvmlDeviceGetCount_v2(unsigned int* n) {
  *n = 1;
  return 0;
}
#endif
nvmlReturn_t nvmlDeviceGetHandleByIndex_v2(unsigned int i, nvmlDevice_t* d) {
  if (i != 0) return 2;
  *d = &fake_device;
  return 0;
}
nvmlReturn_t nvmlDeviceGetName(nvmlDevice_t d, char* name, unsigned int n) {
  (void)d;
  copy(name, "Fake GPU (test double)", n);
  return 0;
}
nvmlReturn_t nvmlDeviceGetMemoryInfo(nvmlDevice_t d, nvmlMemory_t* m) {
  (void)d;
  m->total = 16ULL << 30;
  m->free = 15ULL << 30;
  m->used = 1ULL << 30;
  return 0;
}
nvmlReturn_t nvmlDeviceGetCudaComputeCapability(nvmlDevice_t d, int* major, int* minor) {
  (void)d;
  *major = 8;
  *minor = 0;
  return 0;
}
nvmlReturn_t nvmlSystemGetDriverVersion(char* v, unsigned int n) {
  copy(v, "999.99.99-test-double", n);
  return 0;
}
nvmlReturn_t nvmlDeviceGetHandleByPciBusId_v2(const char* bus, nvmlDevice_t* d) {
  if (strcmp(bus, "0000:01:00.0") != 0) return 6; /* NVML_ERROR_NOT_FOUND */
  *d = &fake_device;
  return 0;
}
nvmlReturn_t nvmlDeviceGetTotalEnergyConsumption(nvmlDevice_t d, unsigned long long* mj) {
  (void)d;
  *mj = ++energy_calls <= 3 ? 1000000ULL : 1050000ULL;
  return 0;
}
nvmlReturn_t nvmlDeviceGetClockInfo(nvmlDevice_t d, int type, unsigned int* mhz) {
  (void)d;
  if (type != 1) return 2; /* SM only */
  *mhz = ++clock_calls == 1 ? 1980 : 1410;
  return 0;
}
nvmlReturn_t nvmlDeviceGetMaxClockInfo(nvmlDevice_t d, int type, unsigned int* mhz) {
  (void)d;
  if (type != 1) return 2;
  *mhz = 1980;
  return 0;
}
nvmlReturn_t nvmlDeviceGetTemperature(nvmlDevice_t d, int sensor, unsigned int* c) {
  (void)d;
  if (sensor != 0) return 2;
  *c = ++temp_calls == 1 ? 41 : 83;
  return 0;
}
nvmlReturn_t nvmlDeviceGetPowerUsage(nvmlDevice_t d, unsigned int* mw) {
  (void)d;
  *mw = ++power_calls == 1 ? 118500 : 700000;
  return 0;
}
nvmlReturn_t nvmlDeviceGetCurrentClocksEventReasons(nvmlDevice_t d, unsigned long long* bits) {
  (void)d;
  *bits = ++reason_calls == 1 ? 0ULL : 0x44ULL;
  return 0;
}
