/* The classifier's n-gram sums in C: the same integers routing/linear.py sums in Python.
 *
 * A prompt's character bigrams and trigrams are ~600 short strings made, hashed, put in a set
 * and looked up in a 27k-key dict, about half the request classifier's time and a sixth of a
 * served request's (bench/gateway_overhead/README.md). Here each n-gram is a 64-bit integer
 * made from its code points, counted once through a small open-addressing set, and looked up
 * in an open-addressing table of weight rows in hundredths; the lane sums come back exact, as
 * the bytes of the biased lanes that routing/packed.py reads, so the Python code that turns
 * them into logits is the same for both paths, and so are the logits, bit for bit
 * (tests/routing/test_native_grams.py). ``Gates``, below, skips the cue families' regex
 * searches that cannot match.
 *
 * Built by setup.py as an optional extension: without a C compiler the package installs and
 * the classifier runs its pure-Python path.
 */
#define PY_SSIZE_T_CLEAN
#include <Python.h>
#include <stdint.h>
#include <string.h>

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

/* Fibonacci hashing: the top bits of the product (``shift`` = 64 - log2 of the capacity). */
static inline uint64_t slot_of(uint64_t key, int shift) {
    return (key * UINT64_C(0x9E3779B97F4A7C15)) >> shift;
}

/* The 12 bits of the same product just below the slot's: independent of which slot it lands in. */
static inline uint32_t print_of(uint64_t key, int shift) {
    return (uint32_t)((key * UINT64_C(0x9E3779B97F4A7C15)) >> (shift - 12)) & 0xFFF;
}

static inline uint64_t record_key(const int32_t *rec) {
    uint64_t k;
    memcpy(&k, rec, sizeof k);
    return k;
}

static int shift_of(uint64_t cap) {
    int bits = 0;
    while ((UINT64_C(1) << bits) < cap)
        bits++;
    return 64 - bits;
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


/* ---- Gates: which cue families may match, from one scan for the literals they need ---------
 *
 * The classifier searches fourteen cue families' regexes in every prompt (~1 µs each, most of
 * it the engine's set-up, for a family that is absent from nearly every prompt). Every match of
 * a family's top-level branch contains one string of each of that branch's "need" sets
 * (routing/prefilter.py derives them from the branch's own parse), so a family none of whose
 * branches has all its sets present cannot match, and its search is skipped. Here the strings
 * of all the sets are looked for in one pass over the text: at each position whose character
 * starts some string, that character's strings are compared in place. Exact presence, so the
 * classifier's features are the same with and without this (tests/routing/test_cue_gates.py).
 */

#define MAX_GROUPS 256
#define GWORDS (MAX_GROUPS / 64)

typedef struct {
    Py_UCS4 first;
    Py_ssize_t len;     /* in code points */
    Py_ssize_t offset;  /* into Gates.chars */
    uint64_t groups[GWORDS];
} Lit;

typedef struct {
    uint64_t need[GWORDS]; /* the groups a branch needs, all of them */
    int family;
} Branch;

typedef struct {
    PyObject_HEAD
    Lit *lits;          /* sorted by first code point */
    Py_ssize_t nlits;
    Py_UCS4 *chars;     /* every literal's code points, back to back */
    uint64_t *bmp;      /* 65536 bits: a literal starts with this BMP character */
    Py_UCS4 *firsts;    /* open addressing: first code point of a run of lits, or EMPTY32 */
    int32_t *starts;    /* index of that run's first lit */
    uint64_t fmask;
    int fshift;
    Branch *branches;
    Py_ssize_t nbranches;
    uint64_t always;    /* families with a branch that needs nothing: searched every time */
    int nfamilies;
} Gates;

#define EMPTY32 UINT32_MAX

static void Gates_dealloc(Gates *self) {
    PyMem_Free(self->lits);
    PyMem_Free(self->chars);
    PyMem_Free(self->bmp);
    PyMem_Free(self->firsts);
    PyMem_Free(self->starts);
    PyMem_Free(self->branches);
    Py_TYPE(self)->tp_free((PyObject *)self);
}

static int lit_cmp(const void *a, const void *b) {
    Py_UCS4 x = ((const Lit *)a)->first, y = ((const Lit *)b)->first;
    return x < y ? -1 : x > y;
}

/* PySequence_Fast, refusing a str: a str is a sequence of str, so a family, a branch or a group
 * passed as one string would silently become the single-character literals of its letters. */
static PyObject *seq_not_str(PyObject *o, const char *msg) {
    if (PyUnicode_Check(o)) {
        PyErr_SetString(PyExc_TypeError, msg);
        return NULL;
    }
    return PySequence_Fast(o, msg);
}

/* Gates(families): families a sequence (at most 64) of sequences of branches, a branch a
 * sequence of groups (each a sequence of non-empty str) that a match of it must all hold one
 * string of; a branch of no groups may match any text. At most 256 groups in all. */
static int Gates_init(Gates *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"families", NULL};
    PyObject *fam_arg;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O", kwlist, &fam_arg))
        return -1;
    if (self->lits != NULL || self->branches != NULL) {
        PyErr_SetString(PyExc_RuntimeError, "a Gates is built once");
        return -1;
    }
    PyObject *fams = seq_not_str(fam_arg, "families must be a sequence, not a str");
    if (fams == NULL)
        return -1;
    PyObject *strings = PyDict_New(); /* str -> index into lits (distinct strings) */
    Py_ssize_t nf = PySequence_Fast_GET_SIZE(fams), cap_lits = 0, cap_branches = 0, nchars = 0;
    int group = 0;
    if (strings == NULL)
        goto fail;
    if (nf > 64) {
        PyErr_SetString(PyExc_ValueError, "at most 64 families");
        goto fail;
    }
    self->nfamilies = (int)nf;
    for (Py_ssize_t f = 0; f < nf; f++) {
        PyObject *brs = seq_not_str(PySequence_Fast_GET_ITEM(fams, f), "a family must be a sequence of branches");
        if (brs == NULL)
            goto fail;
        for (Py_ssize_t b = 0; b < PySequence_Fast_GET_SIZE(brs); b++) {
            PyObject *grs = seq_not_str(PySequence_Fast_GET_ITEM(brs, b), "a branch must be a sequence of groups");
            if (grs == NULL) {
                Py_DECREF(brs);
                goto fail;
            }
            Py_ssize_t ng = PySequence_Fast_GET_SIZE(grs);
            if (ng == 0) {
                self->always |= UINT64_C(1) << f;
                Py_DECREF(grs);
                continue;
            }
            if (self->nbranches == cap_branches) {
                cap_branches = cap_branches ? cap_branches * 2 : 16;
                Branch *nb = PyMem_Realloc(self->branches, cap_branches * sizeof(Branch));
                if (nb == NULL) {
                    PyErr_NoMemory();
                    Py_DECREF(grs);
                    Py_DECREF(brs);
                    goto fail;
                }
                self->branches = nb;
            }
            Branch *br = &self->branches[self->nbranches++];
            memset(br, 0, sizeof(Branch));
            br->family = (int)f;
            for (Py_ssize_t g = 0; g < ng; g++, group++) {
                if (group >= MAX_GROUPS) {
                    PyErr_SetString(PyExc_ValueError, "at most 256 groups");
                    Py_DECREF(grs);
                    Py_DECREF(brs);
                    goto fail;
                }
                br->need[group / 64] |= UINT64_C(1) << (group % 64);
                PyObject *ss = seq_not_str(PySequence_Fast_GET_ITEM(grs, g), "a group must be a sequence of str");
                if (ss == NULL || PySequence_Fast_GET_SIZE(ss) == 0) {
                    if (ss != NULL)
                        PyErr_SetString(PyExc_ValueError, "a group must hold at least one string");
                    Py_XDECREF(ss);
                    Py_DECREF(grs);
                    Py_DECREF(brs);
                    goto fail;
                }
                for (Py_ssize_t k = 0; k < PySequence_Fast_GET_SIZE(ss); k++) {
                    PyObject *s = PySequence_Fast_GET_ITEM(ss, k);
                    if (!PyUnicode_Check(s) || PyUnicode_GET_LENGTH(s) == 0) {
                        PyErr_SetString(PyExc_TypeError, "a group's strings must be non-empty str");
                        Py_DECREF(ss);
                        Py_DECREF(grs);
                        Py_DECREF(brs);
                        goto fail;
                    }
                    PyObject *at = PyDict_GetItemWithError(strings, s);
                    Py_ssize_t i;
                    if (at != NULL) {
                        i = PyLong_AsSsize_t(at);
                    } else {
                        if (PyErr_Occurred()) {
                            Py_DECREF(ss);
                            Py_DECREF(grs);
                            Py_DECREF(brs);
                            goto fail;
                        }
                        if (self->nlits == cap_lits) {
                            cap_lits = cap_lits ? cap_lits * 2 : 64;
                            Lit *nl = PyMem_Realloc(self->lits, cap_lits * sizeof(Lit));
                            if (nl == NULL) {
                                PyErr_NoMemory();
                                Py_DECREF(ss);
                                Py_DECREF(grs);
                                Py_DECREF(brs);
                                goto fail;
                            }
                            self->lits = nl;
                        }
                        i = self->nlits++;
                        Lit *lit = &self->lits[i];
                        memset(lit, 0, sizeof(Lit));
                        lit->len = PyUnicode_GET_LENGTH(s);
                        lit->first = PyUnicode_READ_CHAR(s, 0);
                        lit->offset = nchars;
                        nchars += lit->len;
                        PyObject *iv = PyLong_FromSsize_t(i);
                        if (iv == NULL || PyDict_SetItem(strings, s, iv) < 0) {
                            Py_XDECREF(iv);
                            Py_DECREF(ss);
                            Py_DECREF(grs);
                            Py_DECREF(brs);
                            goto fail;
                        }
                        Py_DECREF(iv);
                    }
                    self->lits[i].groups[group / 64] |= UINT64_C(1) << (group % 64);
                }
                Py_DECREF(ss);
            }
            Py_DECREF(grs);
        }
        Py_DECREF(brs);
    }
    /* The code points, in the order the literals were numbered (the dict's order). */
    self->chars = PyMem_Malloc((size_t)(nchars ? nchars : 1) * sizeof(Py_UCS4));
    self->bmp = PyMem_Calloc(65536 / 64, sizeof(uint64_t));
    if (self->chars == NULL || self->bmp == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    {
        PyObject *key, *value;
        Py_ssize_t pos = 0;
        while (PyDict_Next(strings, &pos, &key, &value)) {
            Lit *lit = &self->lits[PyLong_AsSsize_t(value)];
            if (PyUnicode_AsUCS4(key, self->chars + lit->offset, lit->len, 0) == NULL)
                goto fail;
        }
    }
    qsort(self->lits, (size_t)self->nlits, sizeof(Lit), lit_cmp);
    uint64_t cap = 16;
    while (cap < (uint64_t)self->nlits * 2)
        cap <<= 1;
    self->fmask = cap - 1;
    self->fshift = shift_of(cap);
    self->firsts = PyMem_Malloc(cap * sizeof(Py_UCS4));
    self->starts = PyMem_Malloc(cap * sizeof(int32_t));
    if (self->firsts == NULL || self->starts == NULL) {
        PyErr_NoMemory();
        goto fail;
    }
    memset(self->firsts, 0xff, cap * sizeof(Py_UCS4));
    for (Py_ssize_t i = 0; i < self->nlits; i++) {
        Py_UCS4 c = self->lits[i].first;
        if (i > 0 && self->lits[i - 1].first == c)
            continue;
        if (c < 65536)
            self->bmp[c / 64] |= UINT64_C(1) << (c % 64);
        uint64_t s = slot_of(c, self->fshift);
        while (self->firsts[s] != EMPTY32)
            s = (s + 1) & self->fmask;
        self->firsts[s] = c;
        self->starts[s] = (int32_t)i;
    }
    Py_DECREF(strings);
    Py_DECREF(fams);
    return 0;
fail:
    Py_XDECREF(strings);
    Py_DECREF(fams);
    return -1;
}

/* may(text) -> int: bit f set where family f may match ``text`` (every group of one of its
 * branches has a string in ``text``), or has a branch that needs nothing. */
static PyObject *Gates_may(Gates *self, PyObject *arg) {
    if (!PyUnicode_Check(arg)) {
        PyErr_SetString(PyExc_TypeError, "may() takes a str");
        return NULL;
    }
    if (self->firsts == NULL) {
        PyErr_SetString(PyExc_RuntimeError, "the Gates was not built");
        return NULL;
    }
    Py_ssize_t n = PyUnicode_GET_LENGTH(arg);
    int kind = PyUnicode_KIND(arg);
    const void *data = PyUnicode_DATA(arg);
    uint64_t hit[GWORDS] = {0};
    for (Py_ssize_t i = 0; i < n; i++) {
        Py_UCS4 c = PyUnicode_READ(kind, data, i);
        if (c < 65536 && !(self->bmp[c / 64] >> (c % 64) & 1))
            continue;
        uint64_t s = slot_of(c, self->fshift);
        while (self->firsts[s] != EMPTY32 && self->firsts[s] != c)
            s = (s + 1) & self->fmask;
        if (self->firsts[s] == EMPTY32)
            continue;
        for (Py_ssize_t j = self->starts[s]; j < self->nlits && self->lits[j].first == c; j++) {
            const Lit *lit = &self->lits[j];
            if (lit->len > n - i)
                continue;
            const Py_UCS4 *want = self->chars + lit->offset;
            Py_ssize_t k = 1;
            while (k < lit->len && PyUnicode_READ(kind, data, i + k) == want[k])
                k++;
            if (k == lit->len)
                for (int w = 0; w < GWORDS; w++)
                    hit[w] |= lit->groups[w];
        }
    }
    uint64_t out = self->always;
    for (Py_ssize_t b = 0; b < self->nbranches; b++) {
        const Branch *br = &self->branches[b];
        int all = 1;
        for (int w = 0; w < GWORDS; w++)
            if ((br->need[w] & hit[w]) != br->need[w])
                all = 0;
        if (all)
            out |= UINT64_C(1) << br->family;
    }
    return PyLong_FromUnsignedLongLong(out);
}

static PyMethodDef Gates_methods[] = {
    {"may", (PyCFunction)Gates_may, METH_O, "may(text) -> int: a bit per family that may match text"},
    {NULL, NULL, 0, NULL},
};

static PyTypeObject GatesType = {
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "tenbin.routing._grams.Gates",
    .tp_basicsize = sizeof(Gates),
    .tp_dealloc = (destructor)Gates_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The regex families that may match a text, from the literals their branches need.",
    .tp_methods = Gates_methods,
    .tp_init = (initproc)Gates_init,
    .tp_new = PyType_GenericNew,
};

static struct PyModuleDef grams_module = {
    PyModuleDef_HEAD_INIT, "_grams", "The classifier's n-gram sums and cue gates (see routing/linear.py).", -1,
    NULL,
};

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

PyMODINIT_FUNC PyInit__grams(void) {
    PyObject *m = PyModule_Create(&grams_module);
    if (m == NULL)
        return NULL;
    if (add_type(m, "Table", &TableType) < 0 || add_type(m, "Gates", &GatesType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
