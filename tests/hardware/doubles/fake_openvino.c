/* Test double of libopenvino_c.so: the C API calls the OpenVINO probe makes.
 *   default: devices CPU and GPU, FULL_DEVICE_NAME "Fake <id> (test double)"
 *   FAKE_CORE_FAILS: ov_core_create returns GENERAL_ERROR (-1) */
#include <stdlib.h>
#include <string.h>

typedef struct ov_core {
  int unused;
} ov_core_t;
typedef struct {
  char** devices;
  size_t size;
} ov_available_devices_t;
typedef struct {
  const char* buildNumber;
  const char* description;
} ov_version_t;

static char* dup_str(const char* s) {
  char* p = malloc(strlen(s) + 1);
  strcpy(p, s);
  return p;
}

int ov_get_openvino_version(ov_version_t* v) {
  v->buildNumber = "2099.0.0-test-double";
  v->description = "OpenVINO Runtime (test double)";
  return 0;
}
void ov_version_free(ov_version_t* v) { (void)v; }
int ov_core_create(ov_core_t** core) {
#if defined(FAKE_CORE_FAILS)
  (void)core;
  return -1;
#else
  *core = calloc(1, sizeof(ov_core_t));
  return 0;
#endif
}
void ov_core_free(ov_core_t* core) { free(core); }
int ov_core_get_available_devices(const ov_core_t* core, ov_available_devices_t* out) {
  (void)core;
  out->size = 2;
  out->devices = calloc(2, sizeof(char*));
  out->devices[0] = dup_str("CPU");
  out->devices[1] = dup_str("GPU");
  return 0;
}
void ov_available_devices_free(ov_available_devices_t* d) {
  for (size_t i = 0; i < d->size; ++i) free(d->devices[i]);
  free(d->devices);
  d->devices = NULL;
  d->size = 0;
}
int ov_core_get_property(const ov_core_t* core, const char* device, const char* key, char** value) {
  (void)core;
  if (strcmp(key, "FULL_DEVICE_NAME") != 0) return -1;
  const char* prefix = "Fake ";
  const char* suffix = " (test double)";
  char* s = malloc(strlen(prefix) + strlen(device) + strlen(suffix) + 1);
  strcpy(s, prefix);
  strcat(s, device);
  strcat(s, suffix);
  *value = s;
  return 0;
}
void ov_free(const char* p) { free((void*)p); }
