/* A stand-in for Windows' bcryptprimitives.dll, which Rust's standard library imports
   (ProcessPrng) and Wine gains only in 8.13: random bytes from RtlGenRandom. For running
   planlint.exe under Debian's Wine 8.0 in tests; Windows has the real one. */
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
    while (length > 0) {
        ULONG n = length > 0x10000000 ? 0x10000000 : (ULONG)length;
        if (!SystemFunction036(data, n)) return FALSE;
        data += n;
        length -= n;
    }
    return TRUE;
}
