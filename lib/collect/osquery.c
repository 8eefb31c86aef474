/* temporary */
#include <voorzorg/osquery.h>
vz_status vz_osquery_source(void *ctx, const vz_sink *sink, vz_stats *st, vz_host *host, char **root, vz_error *err)
{ (void)ctx; (void)sink; (void)st; (void)host; (void)root; (void)err; return VZ_E_UNSUPPORTED; }
