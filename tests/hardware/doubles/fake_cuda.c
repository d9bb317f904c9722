/* Test double of libcuda.so.1 (CUDA driver API) as the CUDA probe uses it: one device
 * "Fake Volta (test double)", 8 GiB, compute capability 7.0 (so bf16 is refused). Fixtures,
 * not measurements. */
#include <stddef.h>
#include <string.h>

int cuInit(unsigned int flags) {
  (void)flags;
  return 0;
}
int cuDriverGetVersion(int* v) {
  *v = 12040;
  return 0;
}
int cuDeviceGetCount(int* n) {
  *n = 1;
  return 0;
}
int cuDeviceGet(int* d, int i) {
  *d = i;
  return i == 0 ? 0 : 101;
}
int cuDeviceGetName(char* name, int len, int d) {
  (void)d;
  if (len <= 0) return 1;
  strncpy(name, "Fake Volta (test double)", (size_t)len - 1);
  name[len - 1] = '\0';
  return 0;
}
int cuDeviceTotalMem_v2(size_t* bytes, int d) {
  (void)d;
  *bytes = (size_t)8 << 30;
  return 0;
}
int cuDeviceGetAttribute(int* v, int attr, int d) {
  (void)d;
  if (attr == 75)
    *v = 7; /* compute capability major */
  else if (attr == 76)
    *v = 0;
  else
    return 1;
  return 0;
}
