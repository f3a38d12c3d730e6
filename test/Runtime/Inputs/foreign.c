/*===- foreign.c - shared libraries that are not Switchyard models -------===*
 *
 * Built twice: plain, a library without `switchyard_model_api`; with
 * FOREIGN_ABI_VERSION, one whose table claims another ABI version. Either
 * must be refused by switchyard-run before any entry point is called.
 *===----------------------------------------------------------------------===*/

#ifdef FOREIGN_ABI_VERSION
#include "switchyard/runtime/switchyard_abi.h"

static const sy_model_api kApi = {
    FOREIGN_ABI_VERSION, "foreign", 0, 0, 0, 0, 0};

const sy_model_api *switchyard_model_api(void) { return &kApi; }
#else
int foreign_function(void) { return 42; }
#endif
