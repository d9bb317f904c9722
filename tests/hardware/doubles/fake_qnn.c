/* Test double of a QNN backend library (libQnnCpu.so / libQnnHtp.so): QnnInterface_getProviders
 * with one provider. Only the leading members of QnnInterface_t are filled in. */
#include <stdint.h>

typedef struct {
  uint32_t major, minor, patch;
} Qnn_Version_t;
typedef struct {
  uint32_t backendId;
  const char* providerName;
  Qnn_Version_t coreApiVersion;
  Qnn_Version_t backendApiVersion;
  void* functions[64]; /* the real function table follows; unused by the probe */
} QnnInterface_t;

static QnnInterface_t provider = {6, "FAKE_QNN_TEST_DOUBLE", {2, 14, 0}, {5, 0, 1}, {0}};
static const QnnInterface_t* providers[] = {&provider};

uint64_t QnnInterface_getProviders(const QnnInterface_t*** list, uint32_t* n) {
  *list = providers;
  *n = 1;
  return 0;
}
