/*
 * win/procs.c - running processes with their executables (Toolhelp32
 * and QueryFullProcessImageNameW). A process whose image cannot be
 * queried (the System process, protected processes) is still recorded,
 * by name, and counted as a problem with its reason.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <windows.h>
#include <tlhelp32.h>

#include "collect.h"

void procs_collect(struct out *o, struct stats *st, struct images *im)
{
	PROCESSENTRY32W pe;
	HANDLE snap, h;
	wchar_t exe[MAX_PATH * 4];
	char detail[64], *name, *vpath;
	unsigned long n = 0;
	struct rec r;
	DWORD len;

	snap = CreateToolhelp32Snapshot(TH32CS_SNAPPROCESS, 0);
	if (snap == INVALID_HANDLE_VALUE) {
		problem(st, "procs", 1, "the process list cannot be read",
		        NULL);
		ran(st, "procs", "failed", "CreateToolhelp32Snapshot failed",
		    0);
		return;
	}
	pe.dwSize = sizeof(pe);
	for (BOOL more = Process32FirstW(snap, &pe); more;
	     more = Process32NextW(snap, &pe)) {
		vpath = NULL;
		h = OpenProcess(PROCESS_QUERY_LIMITED_INFORMATION, FALSE,
		                pe.th32ProcessID);
		len = sizeof(exe) / sizeof(exe[0]);
		if (h != NULL && QueryFullProcessImageNameW(h, 0, exe, &len)) {
			vpath = volume_path(exe);
			images_add(im, exe);
		} else if (pe.th32ProcessID != 0) {
			problem(st, "procs", 1,
			        "the executable's path cannot be read "
			        "(protected, or exited)",
			        pe.szExeFile);
		}
		if (h != NULL)
			CloseHandle(h);
		name = utf8(pe.szExeFile);
		memset(&r, 0, sizeof(r));
		r.kind = "process";
		r.source = "procs";
		r.origin = "Toolhelp32";
		r.name = name ? name : "";
		r.path = vpath;
		r.pid = (long)pe.th32ProcessID;
		r.platform = "windows";
		snprintf(detail, sizeof(detail), "pid %lu",
		         (unsigned long)pe.th32ProcessID);
		r.detail = detail;
		out_record(o, &r);
		st->c[C_PROCESSES]++;
		n++;
		free(name);
		free(vpath);
	}
	CloseHandle(snap);
	snprintf(detail, sizeof(detail), "%lu processes", n);
	ran(st, "procs", "ran", detail, n);
}
