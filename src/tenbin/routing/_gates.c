/* Which of the classifier's cue families may match a prompt, from one scan for the literals they
 * need (routing/classifier.py, ``_MAY``).
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

#include "_hash.h"

#include <stdlib.h>
#include <string.h>

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

/* What Gates_init carries from one string to the next. */
typedef struct {
    PyObject *index; /* str -> its Lit's number, so a string in several groups is one Lit */
    Py_ssize_t cap_lits, cap_branches, nchars;
    int groups;
} Build;

static int grow(void **items, Py_ssize_t *cap, Py_ssize_t used, size_t size) {
    if (used < *cap)
        return 0;
    Py_ssize_t n = *cap ? *cap * 2 : 16;
    void *grown = PyMem_Realloc(*items, (size_t)n * size);
    if (grown == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    *items = grown;
    *cap = n;
    return 0;
}

/* Mark ``s`` as a string of group ``g``, numbering it as a new Lit the first time. */
static int add_string(Gates *self, Build *b, PyObject *s, int g) {
    if (!PyUnicode_Check(s) || PyUnicode_GET_LENGTH(s) == 0) {
        PyErr_SetString(PyExc_TypeError, "a group's strings must be non-empty str");
        return -1;
    }
    PyObject *at = PyDict_GetItemWithError(b->index, s);
    Py_ssize_t i;
    if (at != NULL) {
        i = PyLong_AsSsize_t(at);
    } else {
        if (PyErr_Occurred() || grow((void **)&self->lits, &b->cap_lits, self->nlits, sizeof(Lit)) < 0)
            return -1;
        i = self->nlits;
        PyObject *iv = PyLong_FromSsize_t(i);
        if (iv == NULL || PyDict_SetItem(b->index, s, iv) < 0) {
            Py_XDECREF(iv);
            return -1;
        }
        Py_DECREF(iv);
        Lit *lit = &self->lits[self->nlits++];
        memset(lit, 0, sizeof(Lit));
        lit->len = PyUnicode_GET_LENGTH(s);
        lit->first = PyUnicode_READ_CHAR(s, 0);
        lit->offset = b->nchars;
        b->nchars += lit->len;
    }
    self->lits[i].groups[g / 64] |= UINT64_C(1) << (g % 64);
    return 0;
}

/* One branch of family ``f``: a Branch needing each of its groups, or, with no group, the
 * family's bit in ``always``. */
static int add_branch(Gates *self, Build *b, PyObject *branch, int f) {
    PyObject *groups = seq_not_str(branch, "a branch must be a sequence of groups");
    if (groups == NULL)
        return -1;
    Py_ssize_t ng = PySequence_Fast_GET_SIZE(groups);
    if (ng == 0) {
        self->always |= UINT64_C(1) << f;
        Py_DECREF(groups);
        return 0;
    }
    if (grow((void **)&self->branches, &b->cap_branches, self->nbranches, sizeof(Branch)) < 0)
        goto fail;
    Branch *br = &self->branches[self->nbranches++];
    memset(br, 0, sizeof(Branch));
    br->family = f;
    for (Py_ssize_t k = 0; k < ng; k++) {
        if (b->groups >= MAX_GROUPS) {
            PyErr_SetString(PyExc_ValueError, "at most 256 groups");
            goto fail;
        }
        int g = b->groups++;
        br->need[g / 64] |= UINT64_C(1) << (g % 64);
        PyObject *strings = seq_not_str(PySequence_Fast_GET_ITEM(groups, k), "a group must be a sequence of str");
        if (strings == NULL)
            goto fail;
        Py_ssize_t ns = PySequence_Fast_GET_SIZE(strings);
        if (ns == 0)
            PyErr_SetString(PyExc_ValueError, "a group must hold at least one string");
        for (Py_ssize_t j = 0; j < ns; j++)
            if (add_string(self, b, PySequence_Fast_GET_ITEM(strings, j), g) < 0)
                break;
        Py_DECREF(strings);
        if (PyErr_Occurred())
            goto fail;
    }
    Py_DECREF(groups);
    return 0;
fail:
    Py_DECREF(groups);
    return -1;
}

/* The literals' code points, the lits sorted by first character, and the first-character index
 * (a bitmap for the BMP, a probe table for all). */
static int index_lits(Gates *self, Build *b) {
    self->chars = PyMem_Malloc((size_t)(b->nchars ? b->nchars : 1) * sizeof(Py_UCS4));
    self->bmp = PyMem_Calloc(65536 / 64, sizeof(uint64_t));
    if (self->chars == NULL || self->bmp == NULL) {
        PyErr_NoMemory();
        return -1;
    }
    PyObject *key, *value;
    Py_ssize_t pos = 0;
    while (PyDict_Next(b->index, &pos, &key, &value)) { /* before sorting: numbered as added */
        Lit *lit = &self->lits[PyLong_AsSsize_t(value)];
        if (PyUnicode_AsUCS4(key, self->chars + lit->offset, lit->len, 0) == NULL)
            return -1;
    }
    if (self->nlits > 1)
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
        return -1;
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
    return 0;
}

/* Gates(families): families a sequence (at most 64) of sequences of branches, a branch a
 * sequence of groups (each a sequence of non-empty str) that a match of it must all hold one
 * string of; a branch of no groups may match any text. At most 256 groups in all. */
static int Gates_init(Gates *self, PyObject *args, PyObject *kwds) {
    static char *kwlist[] = {"families", NULL};
    PyObject *arg;
    if (!PyArg_ParseTupleAndKeywords(args, kwds, "O", kwlist, &arg))
        return -1;
    if (self->lits != NULL || self->branches != NULL || self->firsts != NULL) {
        PyErr_SetString(PyExc_RuntimeError, "a Gates is built once");
        return -1;
    }
    PyObject *families = seq_not_str(arg, "families must be a sequence, not a str");
    if (families == NULL)
        return -1;
    Build b = {.index = PyDict_New()};
    int rc = -1;
    Py_ssize_t nf = PySequence_Fast_GET_SIZE(families);
    if (b.index == NULL)
        goto done;
    if (nf > 64) {
        PyErr_SetString(PyExc_ValueError, "at most 64 families");
        goto done;
    }
    self->nfamilies = (int)nf;
    for (Py_ssize_t f = 0; f < nf; f++) {
        PyObject *branches = seq_not_str(PySequence_Fast_GET_ITEM(families, f), "a family must be a sequence of branches");
        if (branches == NULL)
            goto done;
        for (Py_ssize_t k = 0; k < PySequence_Fast_GET_SIZE(branches); k++)
            if (add_branch(self, &b, PySequence_Fast_GET_ITEM(branches, k), (int)f) < 0)
                break;
        Py_DECREF(branches);
        if (PyErr_Occurred())
            goto done;
    }
    rc = index_lits(self, &b);
done:
    Py_XDECREF(b.index);
    Py_DECREF(families);
    return rc;
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
    PyVarObject_HEAD_INIT(NULL, 0).tp_name = "tenbin.routing._gates.Gates",
    .tp_basicsize = sizeof(Gates),
    .tp_dealloc = (destructor)Gates_dealloc,
    .tp_flags = Py_TPFLAGS_DEFAULT,
    .tp_doc = "The regex families that may match a text, from the literals their branches need.",
    .tp_methods = Gates_methods,
    .tp_init = (initproc)Gates_init,
    .tp_new = PyType_GenericNew,
};

static struct PyModuleDef gates_module = {
    PyModuleDef_HEAD_INIT, "_gates", "The cue families that may match a text (see routing/classifier.py).", -1,
    NULL,
};

PyMODINIT_FUNC PyInit__gates(void) {
    PyObject *m = PyModule_Create(&gates_module);
    if (m == NULL)
        return NULL;
    if (add_type(m, "Gates", &GatesType) < 0) {
        Py_DECREF(m);
        return NULL;
    }
    return m;
}
