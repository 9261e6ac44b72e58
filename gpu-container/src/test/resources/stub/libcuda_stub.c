/* A stand-in for the NVIDIA driver's libcuda.so.1, for tests on machines without a GPU: enough symbols for
 * JCuda's libJCudaDriver to load, and cuInit answering STUB_CUINIT_RESULT (100, CUDA_ERROR_NO_DEVICE, unless the
 * test compiles it with another value). Every other call answers CUDA_ERROR_NOT_INITIALIZED (3). */
#ifndef STUB_CUINIT_RESULT
#define STUB_CUINIT_RESULT 100
#endif
int cuInit(unsigned int flags) { (void) flags; return STUB_CUINIT_RESULT; }
int cuDriverGetVersion(int *v) { if (v) *v = 13000; return 0; }
int cuDeviceGetCount(int *n) { if (n) *n = 0; return 3; }
int cuDeviceGet(int *d, int ordinal) { (void) d; (void) ordinal; return 3; }
int cuGetErrorName(int error, const char **s) { (void) error; if (s) *s = "CUDA_ERROR_STUB"; return 0; }
int cuGetErrorString(int error, const char **s) { (void) error; if (s) *s = "stub driver"; return 0; }
