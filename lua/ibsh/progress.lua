-- ibsh.progress: progress lines for long loops (C core src/core/base/progress.c, binding src/lua/lprogress.c).
return require "ibsh.core.progress"
