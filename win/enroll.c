/*
 * win/enroll.c - the collector's identity at the fleet server: the
 * organisation's enrolment secret (--enroll-secret FILE) is exchanged
 * once for this host's node key (POST /api/v1/enroll on the --post URL's
 * server), kept in the key file (--key FILE), and sent with every post.
 * As `voorzorg enroll` does on Linux (src/submit.c): the key file holds
 * the key alone on a line; docs/api.md, "Enrolment".
 *
 * Both files may be wrong or hostile: they are read bounded and checked
 * strictly, and neither the secret nor the key is ever printed.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <wchar.h>

#include <windows.h>
#include <sddl.h>
#include <winhttp.h>

#include "collect.h"
#include "../lib/util/jsonstr.h"

#define ENROLL_PATH L"/api/v1/enroll"

/* Read at most cap - 1 bytes of file into buf (NUL-terminated): 0, 1
 * when it does not exist, -1 when it cannot be read, -2 when longer. */
static int read_small(const wchar_t *file, char *buf, size_t cap,
                      size_t *len)
{
	HANDLE h = CreateFileW(file, GENERIC_READ, FILE_SHARE_READ, NULL,
	                       OPEN_EXISTING, FILE_ATTRIBUTE_NORMAL, NULL);
	DWORD n, e;
	size_t got = 0;
	int rc = 0;

	*len = 0;
	buf[0] = '\0';
	if (h == INVALID_HANDLE_VALUE) {
		e = GetLastError();
		return e == ERROR_FILE_NOT_FOUND || e == ERROR_PATH_NOT_FOUND
		           ? 1
		           : -1;
	}
	/* One byte more than allowed tells a long file from a full one. */
	for (;;) {
		if (!ReadFile(h, buf + got, (DWORD)(cap - got), &n, NULL)) {
			rc = -1;
			break;
		}
		if (n == 0)
			break;
		got += n;
		if (got >= cap) {
			rc = -2;
			break;
		}
	}
	CloseHandle(h);
	if (rc != 0) {
		SecureZeroMemory(buf, cap);
		return rc;
	}
	buf[got] = '\0';
	*len = got;
	return 0;
}

int key_read(const wchar_t *file, char key[VZW_NODE_KEY_LEN + 1])
{
	char buf[VZW_NODE_KEY_LEN + 4];
	size_t n;
	int rc = read_small(file, buf, sizeof(buf) - 1, &n);

	if (rc == 1)
		return 1;
	if (rc == -1) {
		fwprintf(stderr, L"voorzorg-collect: %ls: the node key cannot "
		                 L"be read (error %lu)\n",
		         file, (unsigned long)GetLastError());
		return -1;
	}
	/* The key alone, then at most one line end. */
	if (rc == -2 || n < VZW_NODE_KEY_LEN ||
	    !vzw_node_key_ok(buf, VZW_NODE_KEY_LEN) ||
	    (n > VZW_NODE_KEY_LEN &&
	     strcmp(buf + VZW_NODE_KEY_LEN, "\n") != 0 &&
	     strcmp(buf + VZW_NODE_KEY_LEN, "\r\n") != 0)) {
		SecureZeroMemory(buf, sizeof(buf));
		fwprintf(stderr, L"voorzorg-collect: %ls: not a node key "
		                 L"(vzn_ and 64 hex digits on one line); "
		                 L"delete it and enrol again with "
		                 L"--enroll-secret FILE\n",
		         file);
		return -1;
	}
	memcpy(key, buf, VZW_NODE_KEY_LEN);
	key[VZW_NODE_KEY_LEN] = '\0';
	SecureZeroMemory(buf, sizeof(buf));
	return 0;
}

int secret_read(const wchar_t *file, char *out, size_t cap)
{
	size_t n, i, off = 0;
	int rc = read_small(file, out, cap, &n);

	if (rc != 0) {
		fwprintf(stderr, L"voorzorg-collect: %ls: %ls\n", file,
		         rc == 1    ? L"no such file (the enrolment secret)"
		         : rc == -2 ? L"longer than an enrolment secret's "
		                      L"line may be"
		                    : L"cannot be read");
		return -1;
	}
	if (n >= 3 && memcmp(out, "\xef\xbb\xbf", 3) == 0)
		off = 3; /* a UTF-8 byte order mark, as Notepad may write */
	n = off + strcspn(out + off, "\r\n");
	for (i = off; i < n; i++)
		if (out[i] <= 0x20 || out[i] >= 0x7f)
			break;
	if (n == off || i < n) {
		SecureZeroMemory(out, cap);
		fwprintf(stderr, L"voorzorg-collect: %ls: the enrolment "
		                 L"secret's line is empty or holds a space "
		                 L"or a character that is not printable ASCII "
		                 L"(saved as UTF-16?)\n",
		         file);
		return -1;
	}
	memmove(out, out + off, n - off);
	SecureZeroMemory(out + (n - off), cap - (n - off));
	return 0;
}

/* The URL of /api/v1/enroll on the server of the --post URL. */
static int enroll_url(const wchar_t *post, wchar_t *out, size_t cap)
{
	URL_COMPONENTSW u;
	wchar_t host[256];
	int v6;

	memset(&u, 0, sizeof(u));
	u.dwStructSize = sizeof(u);
	u.lpszHostName = host;
	u.dwHostNameLength = 256;
	if (!WinHttpCrackUrl(post, 0, 0, &u) ||
	    (u.nScheme != INTERNET_SCHEME_HTTPS &&
	     u.nScheme != INTERNET_SCHEME_HTTP) ||
	    host[0] == L'\0')
		return -1;
	v6 = wcschr(host, L':') != NULL && host[0] != L'[';
	return swprintf(out, cap, L"%ls://%ls%ls%ls:%u" ENROLL_PATH,
	                u.nScheme == INTERNET_SCHEME_HTTPS ? L"https"
	                                                   : L"http",
	                v6 ? L"[" : L"", host, v6 ? L"]" : L"",
	                (unsigned)u.nPort) < 0
	           ? -1
	           : 0;
}

static void sink(void *ctx, const char *p, size_t n)
{
	out_raw(ctx, p, n);
}

/* MachineGuid as the report's machine id: 32 lowercase hex, or NULL. */
static int canonical_id(const char *guid, char out[33])
{
	size_t i, k = 0;

	if (guid == NULL)
		return -1;
	for (i = 0; guid[i] != '\0'; i++) {
		char c = guid[i];

		if (c == '{' || c == '}' || c == '-')
			continue;
		if (c >= 'A' && c <= 'F')
			c = (char)(c - 'A' + 'a');
		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')) ||
		    k == 32)
			return -1;
		out[k++] = c;
	}
	out[k] = '\0';
	return k == 32 ? 0 : -1;
}

/* The enrolment request: docs/api.md, "Enrolment". */
static void request(struct out *o, const char *secret, const struct host *h,
                    const char *group)
{
	char id[33];

	out_puts(o, "{\"enroll_secret\":");
	vz__json_quote(secret, sink, o);
	out_puts(o, ",\"host\":{\"machine_id\":");
	if (canonical_id(h->machine_id, id) == 0)
		vz__json_quote(id, sink, o);
	else
		out_puts(o, "null");
	out_puts(o, ",\"hostname\":");
	vz__json_quote(h->hostname, sink, o);
	out_puts(o, ",\"fqdn\":");
	if (h->fqdn != NULL)
		vz__json_quote(h->fqdn, sink, o);
	else
		out_puts(o, "null");
	out_puts(o, "}");
	if (group != NULL) {
		out_puts(o, ",\"group\":");
		vz__json_quote(group, sink, o);
	}
	out_puts(o, "}");
}

/* Make the directories above file (errors show when the file is written). */
static void make_parents(const wchar_t *file)
{
	wchar_t d[MAX_PATH * 4];
	size_t i, n = wcslen(file);

	if (n >= MAX_PATH * 4)
		return;
	wmemcpy(d, file, n + 1);
	for (i = 3; i < n; i++) {
		if (d[i] != L'\\' && d[i] != L'/')
			continue;
		d[i] = L'\0';
		CreateDirectoryW(d, NULL);
		d[i] = file[i];
	}
}

/*
 * Write the key file atomically (a temporary file beside it, flushed and
 * renamed over it), created with a protected DACL that grants access to
 * SYSTEM and the Administrators group only: the key is this host's
 * credential, and the collector runs as SYSTEM.
 */
static int key_write(const wchar_t *file, const char *key)
{
	wchar_t tmp[MAX_PATH * 4];
	char line[VZW_NODE_KEY_LEN + 3];
	SECURITY_ATTRIBUTES sa;
	PSECURITY_DESCRIPTOR sd = NULL;
	HANDLE h = INVALID_HANDLE_VALUE;
	DWORD w = 0, e = 0;
	int rc = -1;

	snprintf(line, sizeof(line), "%s\r\n", key);
	if (swprintf(tmp, MAX_PATH * 4, L"%ls.tmp%lu", file,
	             (unsigned long)GetCurrentProcessId()) < 0)
		goto out;
	if (!ConvertStringSecurityDescriptorToSecurityDescriptorW(
	        L"D:P(A;;FA;;;SY)(A;;FA;;;BA)", SDDL_REVISION_1, &sd, NULL)) {
		e = GetLastError();
		goto out;
	}
	sa.nLength = sizeof(sa);
	sa.lpSecurityDescriptor = sd;
	sa.bInheritHandle = FALSE;
	make_parents(file);
	h = CreateFileW(tmp, GENERIC_WRITE, 0, &sa, CREATE_ALWAYS,
	                FILE_ATTRIBUTE_NORMAL, NULL);
	if (h == INVALID_HANDLE_VALUE) {
		e = GetLastError();
		goto out;
	}
	if (!WriteFile(h, line, (DWORD)strlen(line), &w, NULL) ||
	    w != strlen(line) || !FlushFileBuffers(h)) {
		e = GetLastError();
		CloseHandle(h);
		DeleteFileW(tmp);
		goto out;
	}
	CloseHandle(h);
	if (!MoveFileExW(tmp, file,
	                 MOVEFILE_REPLACE_EXISTING | MOVEFILE_WRITE_THROUGH)) {
		e = GetLastError();
		DeleteFileW(tmp);
		goto out;
	}
	rc = 0;
out:
	SecureZeroMemory(line, sizeof(line));
	if (sd != NULL)
		LocalFree(sd);
	if (rc != 0)
		fwprintf(stderr, L"voorzorg-collect: %ls: the node key cannot "
		                 L"be written (error %lu)\n",
		         file, (unsigned long)e);
	return rc;
}

int enroll(const wchar_t *post, const wchar_t *secret_file,
           const char *secret, const struct host *h, const char *group,
           const wchar_t *key_file, char key[VZW_NODE_KEY_LEN + 1])
{
	wchar_t url[2400];
	char ans[4096], why[256];
	const char *v;
	size_t n;
	struct out o;
	long st;

	if (enroll_url(post, url, 2400) != 0) {
		fwprintf(stderr, L"voorzorg-collect: %ls: not an http or "
		                 L"https URL\n",
		         post);
		return 2;
	}
	if (h->hostname == NULL) {
		fwprintf(stderr, L"voorzorg-collect: %ls: cannot enrol: this "
		                 L"host's name cannot be read\n",
		         url);
		return 3;
	}
	memset(&o, 0, sizeof(o));
	request(&o, secret, h, group);
	if (o.failed) {
		fwprintf(stderr, L"voorzorg-collect: out of memory\n");
		free(o.buf);
		return 3;
	}
	st = http_post(url, L"application/json", NULL, o.buf, o.len, ans,
	               sizeof(ans));
	SecureZeroMemory(o.buf, o.len);
	free(o.buf);
	if (st < 0)
		return 3;
	if (st != 201) {
		server_error(ans, why, sizeof(why));
		fwprintf(stderr, L"voorzorg-collect: %ls: enrolment refused "
		                 L"(%ld: %hs)%ls%ls\n",
		         url, st, why,
		         st == 401 ? L"; check the enrolment secret in " : L"",
		         st == 401 ? secret_file : L"");
		return st == 400 || st == 401 ? 2 : 3;
	}
	if (vzw_json_member(ans, strlen(ans), "node_key", &v, &n) != 0 ||
	    !vzw_node_key_ok(v, n)) {
		SecureZeroMemory(ans, sizeof(ans));
		fwprintf(stderr, L"voorzorg-collect: %ls: the answer holds no "
		                 L"node key (vzn_ and 64 hex digits)\n",
		         url);
		return 3;
	}
	memcpy(key, v, VZW_NODE_KEY_LEN);
	key[VZW_NODE_KEY_LEN] = '\0';
	SecureZeroMemory(ans, sizeof(ans));
	if (key_write(key_file, key) != 0)
		return 3;
	wprintf(L"voorzorg-collect: enrolled with %ls; node key written to "
	        L"%ls\n",
	        url, key_file);
	return 0;
}
