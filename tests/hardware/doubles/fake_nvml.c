/* Test double of libnvidia-ml.so.1: only the entry points accelbench's NVML probe uses.
 * One source, several behaviours chosen at build time (tests/hardware/CMakeLists.txt):
 *   FAKE_HEALTHY (default): one device "Fake GPU (test double)", 16 GiB, cc 8.0
 *   FAKE_MISSING_SYMBOL: no nvmlDeviceGetCount_v2
 *   FAKE_INIT_FAILS:     nvmlInit_v2 returns NVML_ERROR_DRIVER_NOT_LOADED (9)
 *   FAKE_HANGS:          nvmlInit_v2 sleeps forever
 *   FAKE_SEGFAULTS:      nvmlInit_v2 dereferences a null pointer
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
