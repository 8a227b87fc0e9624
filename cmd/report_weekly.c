#include "report.h"
int cmd_weekly(struct psw_cli *c, int a, char **v) { (void)c; (void)a; (void)v; return 0; }
