/*
 * win/main.c - voorzorg-collect.exe: collect this Windows host's
 * inventory and write it to a file (atomically: a temporary file renamed
 * over it) or POST it to the fleet server with this host's node key,
 * enrolling first when it has none (enroll.c). See docs/windows.md.
 *
 * Exit status: 0 written or sent, 2 usage error, 3 the inventory could
 * not be written or sent.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <windows.h>

#include "collect.h"

static const wchar_t help[] =
    L"usage: voorzorg-collect.exe --output FILE\n"
    L"                            [--keys FILE] [--no-signers]\n"
    L"       voorzorg-collect.exe --post URL --key FILE\n"
    L"                            [--enroll-secret FILE] [--group G]\n"
    L"                            [--keys FILE] [--no-signers]\n"
    L"\n"
    L"Collect what voorzorg judges on this Windows host: installed\n"
    L"programs (the Uninstall keys of the 64-bit and 32-bit views and\n"
    L"of every loaded user hive), services and drivers with their image\n"
    L"paths, running processes with their executables, vendor registry\n"
    L"keys, and the Authenticode signer of each service, driver and\n"
    L"process image as Windows verifies it. Writes a voorzorg inventory\n"
    L"(docs/inventory.md) for 'voorzorg scan --inventory FILE', or sends\n"
    L"it to the fleet server, which judges it.\n"
    L"\n"
    L"options:\n"
    L"  --output FILE   write the inventory to FILE\n"
    L"  --post URL      send it to the fleet server: POST URL (e.g.\n"
    L"                  https://fleet.example.org/api/v1/inventories)\n"
    L"                  with the inventory as the body and this host's\n"
    L"                  node key (TLS as Windows checks it)\n"
    L"  --key FILE      where this host's node key is kept (e.g.\n"
    L"                  C:\\ProgramData\\voorzorg\\node.key); needed\n"
    L"                  with --post\n"
    L"  --enroll-secret FILE\n"
    L"                  the organisation's enrolment secret (one line):\n"
    L"                  when the key file does not exist, enrol first\n"
    L"                  (POST /api/v1/enroll on the --post URL's server)\n"
    L"                  and write the node key to the key file\n"
    L"  --group G       the host's group when it enrols (a location or\n"
    L"                  department, 1 to 64 characters)\n"
    L"  --keys FILE     read these registry keys with their values and\n"
    L"                  subkeys (one key a line, e.g.\n"
    L"                  HKLM\\SOFTWARE\\KasperskyLab, as written by\n"
    L"                  'voorzorg collect --windows-keys FILE'); default:\n"
    L"                  the names of the keys under HKLM\\SOFTWARE, two\n"
    L"                  levels deep\n"
    L"  --no-signers    do not check the signers of images\n"
    L"  --version       print the version\n"
    L"  -h, --help      show this help\n"
    L"\n"
    L"exit status: 0 written or sent, 2 usage error (or the server\n"
    L"refused the enrolment secret), 3 not written or not sent (a node\n"
    L"key the server refuses: delete the key file and enrol again)\n";

static int usage(const wchar_t *what)
{
	fwprintf(stderr, L"voorzorg-collect: %ls (see --help)\n", what);
	return 2;
}

/* Read the --keys file: one key a line, '#' comments, at most 4096. */
static int read_keys(const wchar_t *file, struct keylist *kl)
{
	FILE *f = _wfopen(file, L"rb");
	char line[1024];
	wchar_t w[1024];
	size_t n;

	if (f == NULL) {
		fwprintf(stderr, L"voorzorg-collect: %ls: cannot open\n",
		         file);
		return -1;
	}
	kl->key = calloc(4096, sizeof(*kl->key));
	while (kl->key != NULL && fgets(line, sizeof(line), f) != NULL) {
		n = strcspn(line, "\r\n");
		line[n] = '\0';
		if (n == 0 || line[0] == '#')
			continue;
		if (kl->n == 4096 ||
		    MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS, line,
		                        -1, w, 1024) == 0) {
			fwprintf(stderr, L"voorzorg-collect: %ls: more than "
			                 L"4096 keys, or a line that is not "
			                 L"UTF-8\n",
			         file);
			fclose(f);
			return -1;
		}
		kl->key[kl->n] = _wcsdup(w);
		if (kl->key[kl->n] != NULL)
			kl->n++;
	}
	fclose(f);
	return kl->key != NULL ? 0 : -1;
}

static int write_file(const wchar_t *path, const char *data, size_t len)
{
	wchar_t tmp[MAX_PATH * 4];
	HANDLE h;
	DWORD w;
	size_t off = 0;

	if (swprintf(tmp, MAX_PATH * 4, L"%ls.tmp%lu", path,
	             (unsigned long)GetCurrentProcessId()) < 0)
		return -1;
	h = CreateFileW(tmp, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
	                FILE_ATTRIBUTE_NORMAL, NULL);
	if (h == INVALID_HANDLE_VALUE)
		goto fail;
	while (off < len) {
		DWORD chunk = len - off > 1u << 30 ? 1u << 30
		                                   : (DWORD)(len - off);

		if (!WriteFile(h, data + off, chunk, &w, NULL) || w == 0) {
			CloseHandle(h);
			DeleteFileW(tmp);
			goto fail;
		}
		off += w;
	}
	if (!FlushFileBuffers(h) || !CloseHandle(h) ||
	    !MoveFileExW(tmp, path,
	                 MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
		DeleteFileW(tmp);
		goto fail;
	}
	return 0;
fail:
	fwprintf(stderr, L"voorzorg-collect: %ls: cannot write (error %lu)\n",
	         path, (unsigned long)GetLastError());
	return -1;
}

/* POST the inventory with the node key: 0 when stored, else 3. */
static int send_inventory(const wchar_t *url, const wchar_t *key_file,
                          const char *key, const struct out *o)
{
	char ans[4096], why[256];
	long st = http_post(url, L"application/x-ndjson", key, o->buf,
	                    o->len, ans, sizeof(ans));

	if (st == 200 || st == 201)
		return 0;
	if (st < 0)
		return 3;
	server_error(ans, why, sizeof(why));
	if (st == 401)
		fwprintf(stderr, L"voorzorg-collect: %ls: the server refused "
		                 L"the node key in %ls (401: %hs); enrol "
		                 L"again: delete %ls and run with "
		                 L"--enroll-secret FILE\n",
		         url, key_file, why, key_file);
	else
		fwprintf(stderr, L"voorzorg-collect: %ls: not stored: the "
		                 L"server answered %ld: %hs\n",
		         url, st, why);
	return 3;
}

int wmain(int argc, wchar_t **argv)
{
	const wchar_t *output = NULL, *post = NULL, *keys = NULL;
	const wchar_t *key_file = NULL, *secret_file = NULL, *wgroup = NULL;
	char key[VZW_NODE_KEY_LEN + 1], secret[1025], *group = NULL;
	int enrol = 0;
	struct keylist kl = {NULL, 0};
	struct images im = {NULL, 0, 0};
	struct stats st;
	struct host h;
	struct out o;
	SYSTEMTIME t;
	char when[32];
	int signers = 1, rc = 3, i;

	for (i = 1; i < argc; i++) {
		const wchar_t *a = argv[i];

		if (wcscmp(a, L"-h") == 0 || wcscmp(a, L"--help") == 0) {
			fputws(help, stdout);
			return 0;
		}
		if (wcscmp(a, L"--version") == 0) {
			wprintf(L"voorzorg-collect %ls\n", VZW_VERSION_W);
			return 0;
		}
		if (wcscmp(a, L"--no-signers") == 0) {
			signers = 0;
			continue;
		}
		if (i + 1 >= argc)
			return usage(L"an option without its value, or an "
			             L"unknown option");
		if (wcscmp(a, L"--output") == 0)
			output = argv[++i];
		else if (wcscmp(a, L"--post") == 0)
			post = argv[++i];
		else if (wcscmp(a, L"--keys") == 0)
			keys = argv[++i];
		else if (wcscmp(a, L"--key") == 0)
			key_file = argv[++i];
		else if (wcscmp(a, L"--enroll-secret") == 0)
			secret_file = argv[++i];
		else if (wcscmp(a, L"--group") == 0)
			wgroup = argv[++i];
		else
			return usage(L"unknown option");
	}
	if ((output == NULL) == (post == NULL))
		return usage(L"give --output FILE or --post URL");
	if (post == NULL &&
	    (key_file != NULL || secret_file != NULL || wgroup != NULL))
		return usage(L"--key, --enroll-secret and --group go with "
		             L"--post");
	if (post != NULL && key_file == NULL)
		return usage(L"--post needs --key FILE (where the node key "
		             L"is kept)");
	if (wgroup != NULL && (wgroup[0] == L'\0' || wcslen(wgroup) > 64))
		return usage(L"--group takes 1 to 64 characters");
	if (post != NULL) {
		/* Before collecting: a missing or broken key or secret
		 * should not cost a collection. */
		switch (key_read(key_file, key)) {
		case 0:
			break;
		case 1:
			if (secret_file == NULL) {
				fwprintf(stderr,
				         L"voorzorg-collect: %ls: no node key "
				         L"there; give --enroll-secret FILE to "
				         L"enrol (see --help)\n",
				         key_file);
				return 2;
			}
			if (secret_read(secret_file, secret,
			                sizeof(secret)) != 0)
				return 2;
			enrol = 1;
			break;
		default:
			return 3;
		}
	}
	if (keys != NULL && read_keys(keys, &kl) != 0)
		return 2;
	memset(&st, 0, sizeof(st));
	memset(&o, 0, sizeof(o));
	host_probe(&h);
	if (enrol) {
		group = utf8(wgroup);
		rc = enroll(post, secret_file, secret, &h, group, key_file,
		            key);
		SecureZeroMemory(secret, sizeof(secret));
		if (rc != 0)
			goto done;
		rc = 3;
	}
	GetSystemTime(&t);
	snprintf(when, sizeof(when), "%04u-%02u-%02uT%02u:%02u:%02uZ",
	         t.wYear, t.wMonth, t.wDay, t.wHour, t.wMinute, t.wSecond);
	out_puts(&o, "{\"format\":\"voorzorg-inventory\","
	             "\"inventory_schema\":1,\"tool\":\"voorzorg-collect.exe\","
	             "\"tool_version\":\"" VZW_VERSION "\",\"collected_at\":");
	out_str(&o, when);
	out_puts(&o, ",\"host\":{\"live\":true");
	if (h.machine_id) {
		out_puts(&o, ",\"machine_id\":");
		out_str(&o, h.machine_id);
	}
	if (h.hostname) {
		out_puts(&o, ",\"hostname\":");
		out_str(&o, h.hostname);
	}
	if (h.fqdn) {
		out_puts(&o, ",\"fqdn\":");
		out_str(&o, h.fqdn);
	}
	if (h.os) {
		out_puts(&o, ",\"os\":");
		out_str(&o, h.os);
	}
	if (h.root) {
		out_puts(&o, ",\"root\":");
		out_str(&o, h.root);
	}
	out_puts(&o, "}}\n");
	uninstall_collect(&o, &st);
	services_collect(&o, &st, &im);
	vendor_keys_collect(&o, &st, &kl);
	procs_collect(&o, &st, &im);
	if (signers)
		signers_collect(&o, &st, &im);
	else
		ran(&st, "authenticode", "not-applicable",
		    "--no-signers was given", 0);
	out_end(&o, &st);
	if (o.failed) {
		fwprintf(stderr, L"voorzorg-collect: out of memory\n");
		goto done;
	}
	if (output != NULL)
		rc = write_file(output, o.buf, o.len) == 0 ? 0 : 3;
	else
		rc = send_inventory(post, key_file, key, &o);
done:
	SecureZeroMemory(key, sizeof(key));
	free(group);
	free(o.buf);
	images_free(&im);
	host_free(&h);
	for (i = 0; (size_t)i < kl.n; i++)
		free(kl.key[i]);
	free(kl.key);
	for (i = 0; (size_t)i < st.np; i++)
		free(st.p[i].example);
	for (i = 0; (size_t)i < st.nr; i++)
		free(st.r[i].detail);
	return rc;
}
