/*
** Lua binding of tensor files: .npy, .csv and IDX (plain or gzip), chosen by
** the file name or an explicit format option.
*/
#include <stdlib.h>
#include <string.h>
#include "ibsh/csvio.h"
#include "ibsh/idx.h"
#include "ltensor_common.h"
#include "ibsh/npy.h"
#include "ibsh/npz.h"
#include "io/tensor_file.h"

/* The format of path from opts.format or its name: "npy", "csv", "idx", or NULL. */
static const char *file_format(lua_State *L, const char *path, int opts, const char *fname) {
  static const char *const known[] = {"format", "header", "dtype", NULL};
  lx_checkoptions(L, opts, known, fname);
  const char *fmt = lx_optstring(L, opts, "format", NULL, fname);
  if (fmt) {
    if (strcmp(fmt, "npy") && strcmp(fmt, "csv") && strcmp(fmt, "idx")) lx_error(L, fname, "unknown format '%s' (npy, csv, idx)", fmt);
    return fmt;
  }
  if (ibsh_has_suffix(path, ".npy")) return "npy";
  if (ibsh_has_suffix(path, ".csv") || ibsh_has_suffix(path, ".txt")) return "csv";
  const char *base = strrchr(path, '/');
  base = base ? base + 1 : path;
  if (ibsh_has_suffix(path, ".idx") || ibsh_has_suffix(path, ".gz") || strstr(base, "idx") || strstr(base, "-ubyte")) return "idx";
  return NULL;
}

/* Push a table of the comma-separated names in header. */
static void push_header(lua_State *L, const char *header) {
  lua_newtable(L);
  int k = 1;
  for (const char *p = header;; k++) {
    const char *e = strchr(p, ',');
    size_t n = e ? (size_t)(e - p) : strlen(p);
    while (n && (*p == ' ' || *p == '"')) { p++; n--; }
    while (n && (p[n - 1] == ' ' || p[n - 1] == '"' || p[n - 1] == '\r')) n--;
    lua_pushlstring(L, p, n);
    lua_rawseti(L, -2, k);
    if (!e) break;
    p = e + 1;
  }
}

/* tensor.load(path, [opts]) */
static int t_load(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  const char *fmt = file_format(L, path, 2, "tensor.load");
  if (!fmt) lx_error(L, "tensor.load", "%s: unknown file type (expected .npy, .csv or an IDX file; or pass {format = ...})", path);
  ibsh_tensor *t = lx_pushtensor(L);
  if (strcmp(fmt, "npy") == 0) { lx_check(L, ibsh_npy_read(path, t), "tensor.load"); return 1; }
  if (strcmp(fmt, "idx") == 0) { lx_check(L, ibsh_idx_read(path, t), "tensor.load"); return 1; }
  char *header = NULL;
  lx_check(L, ibsh_csv_read(path, t, &header), "tensor.load");
  if (!header) return 1;
  lua_pushstring(L, header);  /* copy first so that free runs before any error */
  free(header);
  push_header(L, lua_tostring(L, -1));
  lua_remove(L, -2);
  return 2;
}

/* t:save(path, [opts]) */
static int m_save(lua_State *L) {
  ibsh_tensor *t = lx_checktensor(L, 1, "Tensor:save");
  const char *path = luaL_checkstring(L, 2);
  const char *fmt = file_format(L, path, 3, "Tensor:save");
  if (!fmt || strcmp(fmt, "idx") == 0) lx_error(L, "Tensor:save", "%s: unknown file type (expected .npy or .csv; or pass {format = ...})", path);
  const char *dtype = lx_optstring(L, 3, "dtype", "float64", "Tensor:save");
  int f32 = strcmp(dtype, "float32") == 0;
  if (!f32 && strcmp(dtype, "float64") != 0) lx_error(L, "Tensor:save", "dtype must be \"float64\" or \"float32\", got \"%s\"", dtype);
  if (f32 && strcmp(fmt, "npy") != 0) lx_error(L, "Tensor:save", "dtype = \"float32\" is for .npy files");
  if (strcmp(fmt, "npy") == 0) {
    lx_check(L, f32 ? ibsh_npy_write_f32(path, t) : ibsh_npy_write(path, t), "Tensor:save");
  } else {
    const char *header = NULL;
    if (lua_istable(L, 3)) {
      int type = lua_getfield(L, 3, "header");
      if (type == LUA_TTABLE) {  /* join names with commas */
        int names = lua_gettop(L);
        luaL_Buffer b;
        luaL_buffinit(L, &b);
        for (lua_Integer i = 1, n = (lua_Integer)lua_rawlen(L, names); i <= n; i++) {
          lua_rawgeti(L, names, i);
          if (!lua_isstring(L, -1)) lx_error(L, "Tensor:save", "header names must be strings");
          if (i > 1) luaL_addchar(&b, ',');
          luaL_addvalue(&b);
        }
        luaL_pushresult(&b);
      } else if (type == LUA_TBOOLEAN) {  /* header = true: c1, c2, ... one per column */
        size_t cols = t->ndim == 2 ? t->shape[1] : 1;
        int on = lua_toboolean(L, -1);
        lua_pop(L, 1);
        if (on) {
          luaL_Buffer b;
          luaL_buffinit(L, &b);
          for (size_t j = 0; j < cols; j++) { lua_pushfstring(L, j ? ",c%d" : "c%d", (int)j + 1); luaL_addvalue(&b); }
          luaL_pushresult(&b);
        } else lua_pushnil(L);
      } else if (type != LUA_TSTRING && type != LUA_TNIL) lx_error(L, "Tensor:save", "option 'header' must be a table of names, a string or true");
      header = lua_tostring(L, -1);
    }
    lx_check(L, ibsh_csv_write(path, t, header), "Tensor:save");
  }
  lua_settop(L, 1);
  return 1;
}

/* tensor.load_npz(path) */
static int t_load_npz(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  ibsh_npz_member *members = NULL;
  size_t count = 0;
  lx_check(L, ibsh_npz_read(path, &members, &count), "tensor.load_npz");
  lua_createtable(L, 0, count > 1000 ? 1000 : (int)count);
  for (size_t i = 0; i < count; i++) {
    ibsh_tensor *t = lx_pushtensor(L);
    *t = members[i].t;
    memset(&members[i].t, 0, sizeof members[i].t);
    lua_setfield(L, -2, members[i].name);
  }
  ibsh_npz_free(members, count);
  return 1;
}

/* Order C strings through pointers (for qsort). */
static int cmp_names(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }

/* tensor.save_npz(path, tbl, [opts]) */
static int t_save_npz(lua_State *L) {
  const char *path = luaL_checkstring(L, 1);
  luaL_checktype(L, 2, LUA_TTABLE);
  static const char *const known[] = {"compress", NULL};
  lx_checkoptions(L, 3, known, "tensor.save_npz");
  int compress = lx_optboolean(L, 3, "compress", 1, "tensor.save_npz");
  size_t count = 0;
  for (lua_pushnil(L); lua_next(L, 2); lua_pop(L, 1), count++) {  /* check everything before allocating */
    size_t len;
    if (lua_type(L, -2) != LUA_TSTRING) lx_error(L, "tensor.save_npz", "table keys must be array names (strings), got a %s", luaL_typename(L, -2));
    const char *name = lua_tolstring(L, -2, &len);
    if (len == 0 || strlen(name) != len) lx_error(L, "tensor.save_npz", "array names must be non-empty and contain no NUL byte");
    if (!lx_testtensor(L, -1)) lx_error(L, "tensor.save_npz", "value of '%s' must be a tensor, got a %s", name, luaL_typename(L, -1));
  }
  const char **names = malloc((count ? count : 1) * sizeof *names);
  if (!names) lx_error(L, "tensor.save_npz", "out of memory");
  size_t i = 0;
  for (lua_pushnil(L); lua_next(L, 2); lua_pop(L, 1)) names[i++] = lua_tostring(L, -2);  /* kept alive by the table */
  qsort(names, count, sizeof *names, cmp_names);
  const ibsh_tensor **tensors = malloc((count ? count : 1) * sizeof *tensors);
  if (!tensors) { free(names); lx_error(L, "tensor.save_npz", "out of memory"); }
  for (i = 0; i < count; i++) {
    lua_getfield(L, 2, names[i]);
    tensors[i] = lx_testtensor(L, -1);  /* the table keeps the userdata alive */
    lua_pop(L, 1);
  }
  int rc = ibsh_npz_write(path, names, tensors, count, compress);
  free(names);
  free(tensors);
  lx_check(L, rc, "tensor.save_npz");
  return 0;
}

const lx_Reg ltensor_io_methods[] = {
  {"save", m_save, "t:save(path, [{format = 'npy'|'csv', header = {names...} | 'a,b' | true, dtype = 'float64'|'float32'}])\n\nWrite t by the file's extension: .npy (float64, numpy-readable; dtype = 'float32' writes '<f4', the values rounded to float32) or .csv (1-d or 2-d, 17 significant digits). A CSV has no header line unless header is given: names (a table or one comma-separated string) or true for c1, c2, ... Without one, read it with pandas.read_csv(path, header=None) or numpy.loadtxt(path, delimiter=','): pandas otherwise takes the first data row for column names. tensor.load detects either form. Writes a temporary file, then renames it over path. Returns t.\n\nExample: x:save('x.npy'); x:save('x.csv', {header = {'a', 'b'}}); x:save('y.csv', {header = true})"},
  {NULL, NULL, NULL}
};

const lx_Reg ltensor_io_funcs[] = {
  {"load", t_load, "tensor.load(path, [{format = 'npy'|'csv'|'idx'}])\n\nRead a tensor by the file's name: .npy (dtypes f8 f4 i8 i4 i2 i1 u8 u4 u2 u1 bool, either byte order, C or Fortran order; converted to float64), .csv (numbers, comma separated; a header line is detected and returned as a second value, a table of names), or IDX (names ending .idx or .gz or containing 'idx'/'-ubyte', as MNIST ships them; gzip is detected by content). Malformed or truncated files give an error naming the file and the byte or line.\n\nExample: local x, names = tensor.load('data.csv')"},
  {"load_npz", t_load_npz, "tensor.load_npz(path)\n\nRead a numpy .npz archive (as np.savez or np.savez_compressed write it: stored or deflated members, ZIP64, data descriptors) into a table of name -> tensor; member 'x.npy' becomes key 'x'. Each member may have any dtype tensor.load reads from .npy (converted to float64). Truncated or corrupt archives (bad CRC-32, offsets, sizes, unknown compression, duplicated names) give an error naming the file and the member.\n\nExample: local d = tensor.load_npz('arrays.npz'); print(d.x:size(1))"},
  {"save_npz", t_save_npz, "tensor.save_npz(path, tbl, [{compress = true}])\n\nWrite the tensors of tbl (string keys) as a numpy .npz archive of float64 C-order members key.npy, in sorted key order; deflated unless compress = false (then stored, as np.savez does). Sizes or offsets past 4 GiB use ZIP64. Writes a temporary file, then renames it over path; the bytes depend only on the data.\n\nExample: tensor.save_npz('out.npz', {x = x, y = y}, {compress = false})"},
  {NULL, NULL, NULL}
};
