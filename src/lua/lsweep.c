/*
** Lua binding of the sweep module's C core: forked worker processes and MPI.
** The user-facing sweep.run lives in lua/ibsh/sweep.lua; these are its engine.
*/
#include <stdlib.h>
#include <string.h>
#include "lcommon.h"
#include "ibsh/error.h"
#include "ibsh/sweep.h"
#include "ibsh/interrupt.h"

typedef struct {
  lua_State *L;
  int work, result;   /* stack indices of the Lua callbacks */
} fork_ctx;

/* Worker side: call work(job) -> string; a Lua error becomes a failed result carrying its message. */
static int run_work(void *vctx, size_t job, char **out, size_t *len) {
  fork_ctx *c = vctx;
  lua_State *L = c->L;
  lua_pushvalue(L, c->work);
  lua_pushinteger(L, (lua_Integer)job);
  int ok = lua_pcall(L, 1, 1, 0) == LUA_OK && lua_type(L, -1) == LUA_TSTRING;
  size_t n = 0;
  const char *s = lua_tolstring(L, -1, &n);
  if (s == NULL) { s = ok ? "" : "worker function did not return a string"; n = strlen(s); }
  *out = malloc(n + 1);
  if (*out) { memcpy(*out, s, n); (*out)[n] = '\0'; *len = n; }
  lua_pop(L, 1);
  return ok ? 0 : 1;
}

/* Parent side: call result(job, ok, bytes); a Lua error aborts the sweep with its message. */
static int take_result(void *vctx, size_t job, int ok, const char *bytes, size_t len) {
  fork_ctx *c = vctx;
  lua_State *L = c->L;
  lua_pushvalue(L, c->result);
  lua_pushinteger(L, (lua_Integer)job);
  lua_pushboolean(L, ok);
  lua_pushlstring(L, bytes, len);
  if (lua_pcall(L, 3, 0, 0) != LUA_OK) {
    int rc = ibsh_fail(IBSH_EINVAL, "%s", lua_tostring(L, -1) ? lua_tostring(L, -1) : "error in result handler");
    lua_pop(L, 1);
    return rc;
  }
  return 0;
}

/* sweep._fork(jobs, workers, work, result) */
static int l_fork(lua_State *L) {
  luaL_checktype(L, 1, LUA_TTABLE);
  lua_Integer workers = luaL_checkinteger(L, 2);
  luaL_checktype(L, 3, LUA_TFUNCTION);
  luaL_checktype(L, 4, LUA_TFUNCTION);
  if (workers < 1 || workers > 4096) return lx_error(L, "sweep._fork", "workers must be in 1..4096, got %lld", (long long)workers);
  size_t n = (size_t)luaL_len(L, 1);
  size_t *jobs = lua_newuserdatauv(L, (n ? n : 1) * sizeof *jobs, 0);
  for (size_t i = 0; i < n; i++) {
    lua_geti(L, 1, (lua_Integer)i + 1);
    lua_Integer j = lua_tointeger(L, -1);
    lua_pop(L, 1);
    if (j < 1) return lx_error(L, "sweep._fork", "job numbers must be positive integers");
    jobs[i] = (size_t)j;
  }
  fork_ctx c = {L, 3, 4};
  lx_check(L, ibsh_sweep_fork(jobs, n, (int)workers, run_work, take_result, &c), "sweep.run");
  return 0;
}

/* sweep.rank() -> rank, size */
static int l_rank(lua_State *L) {
  int rank, size;
  lx_check(L, ibsh_sweep_mpi_rank(&rank, &size), "sweep.rank");
  lua_pushinteger(L, rank);
  lua_pushinteger(L, size);
  return 2;
}

/* sweep.mpi() -> boolean */
static int l_mpi(lua_State *L) {
  lua_pushboolean(L, ibsh_sweep_mpi_active());
  return 1;
}

/* sweep._allgather(s) -> concatenation over ranks */
static int l_allgather(lua_State *L) {
  size_t len;
  const char *s = luaL_checklstring(L, 1, &len);
  char *all;
  size_t alllen;
  lx_check(L, ibsh_sweep_mpi_allgather(s, len, &all, &alllen), "sweep.run");
  lua_pushlstring(L, all, alllen);
  free(all);
  return 1;
}

/* sweep._interrupted() -> boolean */
static int l_interrupted(lua_State *L) {
  lua_pushboolean(L, ibsh_interrupted());
  return 1;
}

/* sweep._mkdir(path): create path and its parents (like mkdir -p). */
static int l_mkdir(lua_State *L) {
  lx_check(L, ibsh_sweep_mkdirs(luaL_checkstring(L, 1)), "sweep.run");
  return 0;
}

/* sweep._write(path, text): write text to path durably (checked, fsynced, renamed). */
static int l_write(lua_State *L) {
  size_t n;
  const char *path = luaL_checkstring(L, 1), *text = luaL_checklstring(L, 2, &n);
  lx_check(L, ibsh_sweep_write_file(path, text, n), "sweep.run");
  return 0;
}

/* sweep._blas_single() -> previous thread count (0: unchanged). */
static int l_blas_single(lua_State *L) {
  lua_pushinteger(L, ibsh_sweep_blas_single());
  return 1;
}

/* sweep._blas_restore(n) */
static int l_blas_restore(lua_State *L) {
  ibsh_sweep_blas_restore((int)luaL_checkinteger(L, 1));
  return 0;
}

static const lx_Reg sweep_funcs[] = {
  {"_write", l_write, "sweep._write(path, text)\n\nInternal: write text to path durably: a temporary file beside it, every "
   "write checked (a full disk is an error), fsynced and renamed.\n\nExample: sweep._write(\"runs/job-1.lua\", \"return 1\")"},
  {"_blas_single", l_blas_single, "sweep._blas_single() -> n\n\nInternal: run BLAS on one thread, as sweep workers do "
   "(unless OPENBLAS_NUM_THREADS is set); returns the previous count for sweep._blas_restore (0: unchanged).\n\n"
   "Example: local n = sweep._blas_single(); sweep._blas_restore(n)"},
  {"_blas_restore", l_blas_restore, "sweep._blas_restore(n)\n\nInternal: restore the BLAS thread count returned by "
   "sweep._blas_single.\n\nExample: sweep._blas_restore(sweep._blas_single())"},
  {"_interrupted", l_interrupted, "sweep._interrupted() -> boolean\n\nInternal: true after Ctrl-C or SIGTERM "
   "asked running work to stop.\n\nExample: if sweep._interrupted() then error(\"interrupted\") end"},
  {"_mkdir", l_mkdir, "sweep._mkdir(path)\n\nInternal: create the directory path and its parents (as mkdir -p).\n\n"
   "Example: sweep._mkdir(\"runs/a/b\")"},
  {"_fork", l_fork, "sweep._fork(jobs, workers, work, result)\n\nInternal engine of sweep.run: "
   "runs the job numbers in the array jobs on `workers` forked processes; each worker calls "
   "work(job) -> string and the parent calls result(job, ok, string) as results arrive.\n\n"
   "Example: sweep._fork({1, 2}, 2, function(j) return tostring(j * j) end, print)"},
  {"rank", l_rank, "sweep.rank() -> rank, size\n\nThis process's MPI rank (0-based) and the number "
   "of ranks; 0, 1 when not started by mpirun or built without MPI. Use it to let one rank "
   "(rank 0) write the figures and files of a script that every rank runs.\n\n"
   "Example: if sweep.rank() == 0 then fig:save(\"plane.png\") end"},
  {"mpi", l_mpi, "sweep.mpi() -> boolean\n\nTrue when this ibsh was built with MPI and was started "
   "by mpirun (OMPI_COMM_WORLD_SIZE or PMI_SIZE in the environment): sweep.run then splits "
   "jobs among ranks instead of forking workers.\n\nExample: print(sweep.mpi())"},
  {"_allgather", l_allgather, "sweep._allgather(s) -> string\n\nInternal: the concatenation (rank "
   "order) of every MPI rank's string s, on every rank; s itself without MPI.\n\n"
   "Example: local all = sweep._allgather(mine)"},
  {NULL, NULL, NULL}
};

/* Open the C core of module ibsh.sweep. */
int luaopen_ibsh_core_sweep(lua_State *L) {
  lua_newtable(L);
  lx_setfuncs(L, "sweep.", sweep_funcs);
  return 1;
}
