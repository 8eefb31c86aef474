/*
 * tests/wine/sleeper.c - a stand-in program for the Wine test: it does
 * nothing but wait, so that it can be started as a process (under the
 * names of the products' executables) and found by voorzorg-collect.exe
 * with its path and its signer. Built with mingw-w64, signed with
 * osslsigncode by the test.
 */
#include <windows.h>

int main(void)
{
	/* Long enough for the collector to run; the test ends it sooner. */
	Sleep(600000);
	return 0;
}
