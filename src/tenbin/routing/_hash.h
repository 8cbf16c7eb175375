/* What the classifier's two C modules share (_grams.c, _gates.c): open-addressing tables with
 * linear probing, sized to a power of two, slots picked by Fibonacci hashing; and the way a type
 * is added to a module. */
#ifndef TENBIN_ROUTING_HASH_H
#define TENBIN_ROUTING_HASH_H

#ifndef PY_SSIZE_T_CLEAN
#define PY_SSIZE_T_CLEAN
#endif
#include <Python.h>
#include <stdint.h>

/* The top bits of the product (``shift`` = 64 - log2 of the capacity). */
static inline uint64_t slot_of(uint64_t key, int shift) {
    return (key * UINT64_C(0x9E3779B97F4A7C15)) >> shift;
}

/* ``shift`` for a table of ``cap`` slots, a power of two. */
static int shift_of(uint64_t cap) {
    int bits = 0;
    while ((UINT64_C(1) << bits) < cap)
        bits++;
    return 64 - bits;
}

static int add_type(PyObject *m, const char *name, PyTypeObject *type) {
    if (PyType_Ready(type) < 0)
        return -1;
    Py_INCREF(type);
    if (PyModule_AddObject(m, name, (PyObject *)type) < 0) {
        Py_DECREF(type);
        return -1;
    }
    return 0;
}

#endif
