/*
** Lua binding of data sets (ibsh.Dataset): a table {x = n x d tensor, y = n labels}
** with methods for splits and joint distributions.
*/
#include <stdlib.h>
#include <string.h>
#include "ibsh/dataset.h"
#include "lcommon.h"

#define DATASET_T "ibsh.Dataset"

/* Fetch and check the x and y tensors of the data set table at idx (any table with x and y works). */
static void check_dataset(lua_State *L, int idx, const char *fname, ibsh_tensor **x, ibsh_tensor **y) {
  idx = lua_absindex(L, idx);
  if (!lua_istable(L, idx)) lx_error(L, fname, "expected a data set {x = tensor, y = tensor}, got %s", luaL_typename(L, idx));
  lua_getfield(L, idx, "x");
  *x = lx_testtensor(L, -1);
  lua_getfield(L, idx, "y");
  *y = lx_testtensor(L, -1);
  lua_pop(L, 2);  /* the table keeps both alive */
  if (!*x || !*y) lx_error(L, fname, "data set needs tensor fields x and y");
  if ((*x)->ndim != 2) lx_error(L, fname, "x must be a 2-d tensor (rows x features), got %d-d", (*x)->ndim);
  size_t ny = ibsh_tensor_numel(*y);
  if (ny != (*x)->shape[0] || (*y)->ndim > 2 || ((*y)->ndim == 2 && (*y)->shape[1] != 1))
    lx_error(L, fname, "y must hold one label per row of x (%d rows), got %d values", (int)(*x)->shape[0], (int)ny);
}

/* Make the data set table {x, y, name} on top of the stack from the tensors at xi and yi. */
static void push_dataset(lua_State *L, int xi, int yi, const char *name) {
  xi = lua_absindex(L, xi);
  yi = lua_absindex(L, yi);
  lua_createtable(L, 0, 3);
  lua_pushvalue(L, xi);
  lua_setfield(L, -2, "x");
  lua_pushvalue(L, yi);
  lua_setfield(L, -2, "y");
  lua_pushstring(L, name);
  lua_setfield(L, -2, "name");
  luaL_setmetatable(L, DATASET_T);
}

/* Directory of the shipped data files: the field dir of this module (set by lua/ibsh/data.lua), left on the stack. */
static const char *data_dir(lua_State *L, const char *fname) {
  luaL_getsubtable(L, LUA_REGISTRYINDEX, LUA_LOADED_TABLE);
  lua_getfield(L, -1, "ibsh.core.data");
  lua_getfield(L, -1, "dir");
  lua_replace(L, -3);
  lua_pop(L, 1);
  if (!lua_isstring(L, -1)) lx_error(L, fname, "no data directory known: set IBSH_DATADIR or data.dir");
  return lua_tostring(L, -1);
}

/* data.load_csv(path): a data set from a CSV whose last column is the label. */
static int d_load_csv(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  ibsh_tensor *x = lx_pushtensor(L);
  ibsh_tensor *y = lx_pushtensor(L);
  lx_check(L, ibsh_dataset_load_csv(path, x, y), "data.load_csv");
  push_dataset(L, -2, -1, path);
  return 1;
}

/* data.tishby(): the var_u data set of Shwartz-Ziv & Tishby (4096 x 12 bits, 0/1 labels). */
static int d_tishby(lua_State *L) {
  lua_pushfstring(L, "%s/tishby_var_u.csv", data_dir(L, "data.tishby"));
  lua_remove(L, -2);
  ibsh_tensor *x = lx_pushtensor(L);
  ibsh_tensor *y = lx_pushtensor(L);
  lx_check(L, ibsh_dataset_load_csv(lua_tostring(L, -3), x, y), "data.tishby");
  if (x->shape[0] != 4096 || x->shape[1] != 12) lx_error(L, "data.tishby", "%s is not the 4096 x 12 var_u file", lua_tostring(L, -3));
  push_dataset(L, -2, -1, "var_u");
  return 1;
}

/* data.new{x = tensor, y = tensor}: a data set from tensors (checked, not copied). */
static int d_new(lua_State *L) {
  ibsh_tensor *x, *y;
  check_dataset(L, 1, "data.new", &x, &y);
  lua_getfield(L, 1, "x");
  lua_getfield(L, 1, "y");
  lua_getfield(L, 1, "name");
  push_dataset(L, -3, -2, luaL_optstring(L, -1, "data"));
  return 1;
}

/* Push the subset of rows[0..m-1] of the data set at idx as a new data set. */
static void push_rows(lua_State *L, ibsh_tensor *x, ibsh_tensor *y, const size_t *rows, size_t m, const char *name, const char *fname) {
  ibsh_tensor *xo = lx_pushtensor(L);
  ibsh_tensor *yo = lx_pushtensor(L);
  lx_check(L, ibsh_dataset_rows(x, y, rows, m, xo, yo), fname);
  push_dataset(L, -2, -1, name);
  lua_replace(L, -3);
  lua_pop(L, 1);
}

/* Contiguous copies of the data set's x and y placed at the top of the stack. */
static void contiguous_xy(lua_State *L, ibsh_tensor **x, ibsh_tensor **y, const char *fname) {
  lua_pushvalue(L, -2);
  *x = lx_checkcontiguous(L, -1, fname);
  lua_pushvalue(L, -2);
  *y = lx_checkcontiguous(L, -1, fname);
}

/* d:split{train = 0.8, seed = 0, shuffle = true}: a training and a test set. */
static int m_split(lua_State *L) {
  static const char *const known[] = {"train", "seed", "shuffle", NULL};
  ibsh_tensor *x, *y;
  check_dataset(L, 1, "Dataset:split", &x, &y);
  lx_checkoptions(L, 2, known, "Dataset:split");
  double fraction = lx_optnumber(L, 2, "train", 0.8, "Dataset:split");
  lua_Integer seed = lx_optinteger(L, 2, "seed", 0, "Dataset:split");
  int shuffle = lx_optboolean(L, 2, "shuffle", 1, "Dataset:split");
  size_t n = x->shape[0];
  if (!(fraction > 0 && fraction < 1)) lx_error(L, "Dataset:split", "train fraction %g must be in (0, 1)", fraction);
  if (n < 2) lx_error(L, "Dataset:split", "need at least 2 rows, have %lld", (long long)n);
  lua_getfield(L, 1, "x");
  lua_getfield(L, 1, "y");
  contiguous_xy(L, &x, &y, "Dataset:split");
  size_t *order = lua_newuserdatauv(L, n * sizeof(size_t), 0);
  ibsh_dataset_split_order(n, shuffle, (uint64_t)seed, order);
  size_t ntrain = ibsh_dataset_train_count(n, fraction);
  push_rows(L, x, y, order, ntrain, "train", "Dataset:split");
  push_rows(L, x, y, order + ntrain, n - ntrain, "test", "Dataset:split");
  return 2;
}

/* d:subset(rows): the data set of the given 1-based rows (a Lua array). */
static int m_subset(lua_State *L) {
  ibsh_tensor *x, *y;
  check_dataset(L, 1, "Dataset:subset", &x, &y);
  luaL_checktype(L, 2, LUA_TTABLE);
  size_t m = (size_t)lua_rawlen(L, 2), n = x->shape[0];
  lua_getfield(L, 1, "x");
  lua_getfield(L, 1, "y");
  contiguous_xy(L, &x, &y, "Dataset:subset");
  size_t *rows = lua_newuserdatauv(L, (m ? m : 1) * sizeof(size_t), 0);
  for (size_t i = 0; i < m; i++) {
    lua_rawgeti(L, 2, (lua_Integer)i + 1);
    lua_Integer r = lua_tointeger(L, -1);
    lua_pop(L, 1);
    if (r < 1 || (size_t)r > n) lx_error(L, "Dataset:subset", "row %d out of range 1..%d", (int)r, (int)n);
    rows[i] = (size_t)r - 1;
  }
  push_rows(L, x, y, rows, m, "subset", "Dataset:subset");
  return 1;
}

/* Check the data set at idx, push its labels as a contiguous tensor and return their class count. */
static size_t push_labels(lua_State *L, int idx, const char *fname, ibsh_tensor **y) {
  ibsh_tensor *x;
  check_dataset(L, idx, fname, &x, y);
  lua_getfield(L, idx, "y");
  *y = lx_checkcontiguous(L, -1, fname);
  size_t nclasses;
  lx_check(L, ibsh_dataset_nclasses(*y, &nclasses), fname);
  return nclasses;
}

/* d:joint(): p(x, y) as an n x classes tensor with p(x) uniform over rows. */
static int m_joint(lua_State *L) {
  ibsh_tensor *y;
  size_t nclasses = push_labels(L, 1, "Dataset:joint", &y);
  ibsh_tensor *pxy = lx_pushtensor(L);
  lx_check(L, ibsh_dataset_joint(y, nclasses, pxy), "Dataset:joint");
  return 1;
}

/* d:nclasses(): 1 + the largest label. */
static int m_nclasses(lua_State *L) {
  ibsh_tensor *y;
  lua_pushinteger(L, (lua_Integer)push_labels(L, 1, "Dataset:nclasses", &y));
  return 1;
}

/* d:size(): number of rows and number of input features. */
static int m_size(lua_State *L) {
  ibsh_tensor *x, *y;
  check_dataset(L, 1, "Dataset:size", &x, &y);
  lua_pushinteger(L, (lua_Integer)x->shape[0]);
  lua_pushinteger(L, (lua_Integer)x->shape[1]);
  return 2;
}

/* __tostring: name and sizes. */
static int m_tostring(lua_State *L) {
  ibsh_tensor *x, *y;
  check_dataset(L, 1, "Dataset:__tostring", &x, &y);
  lua_getfield(L, 1, "name");
  lua_pushfstring(L, "[ibsh.Dataset %s: %d rows x %d features]", luaL_optstring(L, -1, "data"),
                  (int)x->shape[0], (int)x->shape[1]);
  return 1;
}

/* __len: number of rows. */
static int m_len(lua_State *L) {
  ibsh_tensor *x, *y;
  check_dataset(L, 1, "Dataset:__len", &x, &y);
  lua_pushinteger(L, (lua_Integer)x->shape[0]);
  return 1;
}

static const lx_Reg data_funcs[] = {
  {"tishby", d_tishby, "data.tishby()\n\nThe var_u data set of Shwartz-Ziv & Tishby (2017): d.x is 4096 x 12 (every 12-bit pattern once, column 1 the most significant bit), d.y the 0/1 labels (2118 ones). With p(x) uniform, I(X;Y) = H(Y) = 0.99916 bits. Shipped as data/tishby_var_u.csv (from artemyk/ibsgd, MIT).\n\nExample: local d = data.tishby(); local train, test = d:split{train = 0.8, seed = 1}"},
  {"load_csv", d_load_csv, "data.load_csv(path)\n\nA data set from a CSV file with a header line; the last column is the integer class label (0-based), the others the inputs. Errors name the file and line of the first bad row.\n\nExample: local d = data.load_csv('mydata.csv')"},
  {"new", d_new, "data.new{x = tensor, y = tensor [, name = s]}\n\nA data set from an n x d input tensor and n integer labels (0-based), checked for matching sizes.\n\nExample: local d = data.new{x = tensor.new{{0, 1}, {1, 0}}, y = tensor.new{0, 1}}"},
  {NULL, NULL, NULL}
};

static const lx_Reg dataset_methods[] = {
  {"split", m_split, "d:split{train = 0.8, seed = 0, shuffle = true}\n\nSplit into a training and a test set: the rows are shuffled with the seeded generator (shuffle = false keeps the file order, as the original IDNNs code), then the first round(train * n) rows form the training set.\n\nExample: local train, test = data.tishby():split{train = 0.8, seed = 0}"},
  {"subset", m_subset, "d:subset(rows)\n\nThe data set made of the given 1-based rows (a Lua array), copied.\n\nExample: local first = d:subset{1, 2, 3}"},
  {"joint", m_joint, "d:joint()\n\nThe joint distribution p(x, y) as an n x classes tensor, with p(x) uniform over the rows (each row is one input symbol) and p(y|x) the row's label: entry (i, y_i + 1) is 1/n.\n\nExample: local curve = ib.curve(data.tishby():joint())"},
  {"nclasses", m_nclasses, "d:nclasses()\n\nThe number of classes: 1 + the largest label.\n\nExample: print(data.tishby():nclasses())  --> 2"},
  {"size", m_size, "d:size()\n\nThe number of rows and of input features.\n\nExample: local n, dims = d:size()"},
  {NULL, NULL, NULL}
};

static const luaL_Reg dataset_metamethods[] = {
  {"__tostring", m_tostring},
  {"__len", m_len},
  {NULL, NULL}
};

/* Open the C core of module ibsh.data. */
int luaopen_ibsh_core_data(lua_State *L) {
  lx_newclass(L, DATASET_T, dataset_methods, dataset_metamethods);
  lua_newtable(L);
  lx_setfuncs(L, "data.", data_funcs);
  return 1;
}
