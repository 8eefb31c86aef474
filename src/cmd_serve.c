/*
 * src/cmd_serve.c - `voorzorg serve`: the fleet server, which lives in
 * server/ and shares only libvoorzorg with the tool.
 */
#include "cli.h"

int vzs_serve_main(int argc, char **argv);

int cmd_serve(int argc, char **argv)
{
	return vzs_serve_main(argc, argv);
}
