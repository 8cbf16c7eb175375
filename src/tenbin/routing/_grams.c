/* The classifier's n-gram sums in C: the same integers routing/linear.py sums in Python.
 *
 * A prompt's character bigrams and trigrams are ~600 short strings made, hashed, put in a set
 * and looked up in a 27k-key dict, about half the request classifier's time and a sixth of a
 * served request's (bench/gateway_overhead/README.md). Here each n-gram is a 64-bit integer
 * made from its code points, counted once through a small open-addressing set, and looked up
 * in an open-addressing table of weight rows in hundredths; the lane sums come back exact, as
 * the bytes of the biased lanes that routing/packed.py reads, so the Python code that turns
 * them into logits is the same for both paths, and so are the logits, bit for bit
 * (tests/routing/test_native_grams.py).
 *
 * Built by setup.py as an optional extension: without a C compiler the package installs and
 * the classifier runs its pure-Python path.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

#include "_hash.h"

#define EMPTY UINT64_MAX /* no n-gram's key: code points are below 2**21 */
#define TRI (UINT64_C(1) << 63)

/* A row's record: its key (two int32 slots, read with memcpy) and then its lanes' weights, so a
 * hit reads one record where separate key, row-index and weight arrays cost a cache line each. */
#define KEY_INTS 2
/* A slot: 0 when free, else the row's index plus one in the low ROW_BITS and a 12-bit fingerprint
 * of its key above, so a probe that misses reads only the 4-byte slot array (256 KB for the
 * shipped model's 27k rows, against 768 KB of 8-byte keys and 4-byte row indexes before). */
#define ROW_BITS 20
#define MAX_ROWS ((1 << ROW_BITS) - 2)

typedef struct {
    PyObject_HEAD
    uint32_t *slots;  /* open addressing, linear probing */
    int32_t *records; /* nrows * stride: key, then lanes weights in hundredths */
    uint64_t mask;
    int shift;
    Py_ssize_t nrows;
    int lanes;
    int stride;       /* KEY_INTS + lanes */
} Table;

/* The 12 bits of the same product just below the slot's: independent of which slot it lands in. */
static inline uint32_t print_of(uint64_t key, int shift) {
    return (uint32_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >> (shift - 12)) & 0xFFF;
}

static inline uint64_t record_key(const int32_t *rec) {
    uint64_t k;
    memcpy(&k, rec, sizeof k);
    return k;
}

static int key_of(PyObject *s, uint64_t *out) {
    if (!PyUnicode_Check(s)) {
        PyErr_SetString(PyExc_TypeError, "a table key must be a str");
        return -1;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(s);
    int kind = PyUnicode_KIND(s);
    const void *data = PyUnicode_DATA(s);
    if (n == 2) {
        *out = (uint64_t)PyUnicode_READ(kind, data, 0) << 21 | PyUnicode_READ(kind, data, 1);
    } else if (n == 3) {
        *out = TRI | (uint64_t)PyUnicode_READ(kind, data, 0) << 42 | (uint64_t)PyUnicode_READ(kind, data, 1) << 21
               | PyUnicode_READ(kind, data, 2);
    } else {
        PyErr_SetString(PyExc_ValueError, "a table key must be 2 or 3 characters");
        return -1;
    }
    return 0;
}

static void Table_dealloc(Table *self) {
    PyMem_Free(self->slots);
    PyMem_Free(self->records);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

/* Table(keys, weights, lanes): keys a sequence of str of 2 or 3 characters, weights a buffer of
 * 32-bit ints (an ``array('i')``), ``lanes`` per key in the keys' order. One flat buffer rather
 * than a tuple of ints per row: 27k rows of those, alive at once, left ~5 MB of freed but still
 * resident small-object arenas in every HTTP worker. */
static int Table_init(Table *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"keys", "weights", "lanes", NULL};
    PyObject *keys_arg;
    Py_buffer wbuf;
    int lanes;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "Oy*i", kwlist, &keys_arg, &wbuf, &lanes))
        return -1;
    PyObject *seq = NULL;
    if (lanes < 1 || lanes > 64) {
        PyErr_SetString(PyExc_ValueError, "lanes must be within 1..64");
        goto fail;
    }
    if (self->slots != NULL) {
        PyErr_SetString(PyExc_RuntimeError, "a Table is built once");
        goto fail;
    }
    if (wbuf.itemsize != 4 || (wbuf.format != NULL && strcmp(wbuf.format, "i") != 0 && strcmp(wbuf.format, "l") != 0)) {
        PyErr_SetString(PyExc_TypeError, "weights must be a buffer of 32-bit ints (array('i'))");
        goto fail;
    }
    seq = PySequence_Fast(keys_arg, "keys must be a sequence");
    if (seq == NULL)
        goto fail;
    Py_ssize_t n = PySequence_Fast_GET_SIZE(seq);
    if (n > MAX_ROWS) { /* OverflowError, as for a weight beyond 32 bits: the Python path serves */
        PyErr_SetString(PyExc_OverflowError, "more rows than a slot can index");
        goto fail;
    }
    if (wbuf.len != (Py_ssize_t)(n * lanes * 4)) {
        PyErr_SetString(PyExc_ValueError, "weights must hold one weight per lane of every key");
        goto fail;
    }
    uint64_t cap = 16;
    while (cap < (uint64_t)n * 2)
        cap <<= 1;
    self->mask = cap - 1;
    self->shift = shift_of(cap);
    self->lanes = lanes;
    self->nrows = n;
    self->stride = KEY_INTS + lanes;
    self->slots = PyMem_Calloc(cap, sizeof(uint32_t));
    self->records = PyMem_Malloc((size_t)(n ? n : 1) * self->stride * sizeof(int32_t));
    if (self->slots == NULL || self->records == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    const int32_t *weights = wbuf.buf;
    for (Py_ssize_t r = 0; r < n; r++) {
        uint64_t key;
        if (key_of(PySequence_Fast_GET_ITEM(seq, r), &key) < 0)
            goto fail;
        int32_t *rec = self->records + r * self->stride;
        memcpy(rec, &key, sizeof key);
        memcpy(rec + KEY_INTS, weights + r * lanes, (size_t)lanes * sizeof(int32_t));
        uint64_t s = slot_of(key, self->shift);
        while (self->slots[s] != 0) {
            if (record_key(self->records + (Py_ssize_t)((self->slots[s] & ((1u << ROW_BITS) - 1)) - 1) * self->stride) == key) {
                PyErr_SetString(PyExc_ValueError, "a key is listed twice");
                goto fail;
            }
            s = (s + 1) & self->mask;
        }
        self->slots[s] = print_of(key, self->shift) << ROW_BITS | (uint32_t)(r + 1);
    }
    Py_DECREF(seq);
    PyBuffer_Release(&wbuf);
    return 0;
fail:
    Py_XDECREF(seq);
    PyBuffer_Release(&wbuf);
    return -1;
}

/* Add the row of ``key`` (if the table has it) to ``acc``; count it once through ``seen``. */
static inline void feed(const Table *t, uint64_t key, uint64_t *seen, uint64_t smask, int sshift,
                        Py_ssize_t *count, int64_t *acc) {
    uint64_t s = slot_of(key, sshift);
    while (seen[s] != EMPTY) {
        if (seen[s] == key)
            return;
        s = (s + 1) & smask;
    }
    seen[s] = key;
    (*count)++;
    uint64_t p = slot_of(key, t->shift);
    uint32_t fp = print_of(key, t->shift);
    for (;;) {
        uint32_t v = t->slots[p];
        if (v == 0)
            return;
        if (v >> ROW_BITS == fp) {
            const int32_t *rec = t->records + (Py_ssize_t)((v & ((1u << ROW_BITS) - 1)) - 1) * t->stride;
            if (record_key(rec) == key) {
                const int32_t *w = rec + KEY_INTS;
                for (int i = 0; i < t->lanes; i++)
                    acc[i] += w[i];
                return;
            }
        }
        p = (p + 1) & t->mask;
    }
}

#define STACK_SEEN 4096

/* sums(text, trigrams) -> (count, lanes): the distinct bigrams of ``text`` (and trigrams when
 * ``trigrams``), how many there are, and the sum of their rows as the little-endian bytes of
 * each lane plus 2**63 (routing/packed.py's biased lanes). */
static PyObject *Table_sums(Table *self, PyObject *args) {
    PyObject *text;
    int trigrams;
    if (!PyArg_ParseTuple(args, "Up", &text, &trigrams))
        return NULL;
    Py_ssize_t n = PyUnicode_GET_LENGTH(text);
    int kind = PyUnicode_KIND(text);
    const void *data = PyUnicode_DATA(text);
    Py_ssize_t grams = (n > 1 ? n - 1 : 0) + (trigrams && n > 2 ? n - 2 : 0);
    uint64_t cap = 16;
    while (cap < (uint64_t)grams * 2)
        cap <<= 1;
    uint64_t stack[STACK_SEEN];
    uint64_t *seen = cap <= STACK_SEEN ? stack : PyMem_Malloc(cap * sizeof(uint64_t));
    if (seen == NULL)
        return PyErr_NoMemory();
    memset(seen, 0xff, cap * sizeof(uint64_t));
    int64_t acc[64] = {0};
    Py_ssize_t count = 0;
    uint64_t smask = cap - 1;
    int sshift = shift_of(cap);
    if (n > 1) {
        uint64_t a = PyUnicode_READ(kind, data, 0), b = PyUnicode_READ(kind, data, 1);
        feed(self, a << 21 | b, seen, smask, sshift, &count, acc);
        for (Py_ssize_t i = 2; i < n; i++) {
            uint64_t c = PyUnicode_READ(kind, data, i);
            feed(self, b << 21 | c, seen, smask, sshift, &count, acc);
            if (trigrams)
                feed(self, TRI | a << 42 | b << 21 | c, seen, smask, sshift, &count, acc);
            a = b;
            b = c;
        }
    }
    if (seen != stack)
        PyMem_Free(seen);
    unsigned char out[64 * 8];
    for (int i = 0; i < self->lanes; i++) {
        uint64_t u = (uint64_t)acc[i] + TRI; /* two's complement plus 2**63: the biased lane */
        for (int j = 0; j < 8; j++)
            out[i * 8 + j] = (unsigned char)(u >> (8 * j));
    }
    return Py_BuildValue("(ny#)", count, (const char *)out, (Py_ssize_t)self->lanes * 8);
}

static PyObject *Table_len(Table *self, PyObject *Py_UNUSED(ignored)) {
    return PyLong_FromSsize_t(self->nrows);
}

static PyMethodDef Table_methods[] = {
    {"sums", (PyCFunction)Table_sums, METH_VARARGS,
     "sums(text, trigrams) -> (count, lanes): distinct n-grams and their rows' biased lane sums"},
    {"rows", (PyCFunction)Table_len, METH_NOARGS, "rows() -> int: how many rows the table holds"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject TableType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "tenbin.routing._grams.Table",
    .tp_basicsize = sizeof(Table),
    .tp_dealloc = (destructor)Table_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "Weight rows of 2- and 3-character keys, summed over a text's distinct n-grams.",
    .tp_methods = Table_methods,
    .tp_init = (initproc)Table_init,
    .tp_new = PyType_GenericNew,
};

static struct PyModuleDef grams_module = {
    PyModuleDef_HEAD_INIT, "_grams", "The classifier's n-gram sums (see routing/linear.py).", -1, NULL,
};

PyMODINIT_FUNC PyInit__grams(void) {
    PyObject *m = PyModule_Create(&grams_module);
    if (m == NULL)
        return NULL;
    if (add_type(m, "Table", &TableType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
