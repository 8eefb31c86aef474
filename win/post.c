/*
 * win/post.c - HTTP POST to the fleet server over WinHTTP, so TLS is
 * Windows' own and its certificate checks apply (no flag here relaxes
 * them), and the system's proxy settings are used; redirects are not
 * followed. The caller decides what an answer means; this file only
 * sends and reads a bounded answer.
 */
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include <windows.h>
#include <winhttp.h>

#include "collect.h"

/* Read at most cap - 1 bytes of the answer; the rest is not read. */
static void read_answer(HINTERNET r, char *ans, size_t cap)
{
	size_t got = 0;
	DWORD n;

	if (ans == NULL || cap == 0)
		return;
	while (got + 1 < cap) {
		n = 0;
		if (!WinHttpReadData(r, ans + got, (DWORD)(cap - 1 - got),
		                     &n) ||
		    n == 0)
			break;
		got += n;
	}
	ans[got] = '\0';
}

long http_post(const wchar_t *url, const wchar_t *type, const char *key,
               const char *body, size_t len, char *ans, size_t cap)
{
	URL_COMPONENTSW u;
	wchar_t host[256], path[2048], hdr[256];
	HINTERNET s = NULL, c = NULL, r = NULL;
	DWORD status = 0, size = sizeof(status);
	DWORD nofollow = WINHTTP_DISABLE_REDIRECTS;
	long rc = -1;

	if (ans != NULL && cap > 0)
		ans[0] = '\0';
	memset(&u, 0, sizeof(u));
	u.dwStructSize = sizeof(u);
	u.lpszHostName = host;
	u.dwHostNameLength = 256;
	u.lpszUrlPath = path;
	u.dwUrlPathLength = 2048;
	if (len > 0xffffffffu || !WinHttpCrackUrl(url, 0, 0, &u) ||
	    (u.nScheme != INTERNET_SCHEME_HTTPS &&
	     u.nScheme != INTERNET_SCHEME_HTTP)) {
		fwprintf(stderr, L"voorzorg-collect: %ls: not an http or "
		                 L"https URL\n",
		         url);
		return -1;
	}
	/* The key was checked (vzn_ and hex): it cannot break the header. */
	if (swprintf(hdr, 256, L"Content-Type: %ls\r\n%ls%hs%ls", type,
	             key ? L"Authorization: Bearer " : L"", key ? key : "",
	             key ? L"\r\n" : L"") < 0) {
		fwprintf(stderr, L"voorzorg-collect: %ls: cannot build the "
		                 L"request's headers\n",
		         url);
		return -1;
	}
	s = WinHttpOpen(L"voorzorg-collect/" VZW_VERSION_W,
	                WINHTTP_ACCESS_TYPE_DEFAULT_PROXY,
	                WINHTTP_NO_PROXY_NAME, WINHTTP_NO_PROXY_BYPASS, 0);
	if (s != NULL)
		c = WinHttpConnect(s, host, u.nPort, 0);
	if (c != NULL)
		r = WinHttpOpenRequest(
		    c, L"POST", path[0] ? path : L"/", NULL,
		    WINHTTP_NO_REFERER, WINHTTP_DEFAULT_ACCEPT_TYPES,
		    u.nScheme == INTERNET_SCHEME_HTTPS ? WINHTTP_FLAG_SECURE
		                                       : 0);
	/* Redirects are not followed (as curl does not in `scan --submit`):
	 * the key and the secret go to the URL given, nowhere else. */
	if (r == NULL ||
	    !WinHttpSetOption(r, WINHTTP_OPTION_DISABLE_FEATURE, &nofollow,
	                      sizeof(nofollow)) ||
	    !WinHttpSendRequest(r, hdr, (DWORD)-1L, (void *)(size_t)body,
	                        (DWORD)len, (DWORD)len, 0) ||
	    !WinHttpReceiveResponse(r, NULL) ||
	    !WinHttpQueryHeaders(r,
	                         WINHTTP_QUERY_STATUS_CODE |
	                             WINHTTP_QUERY_FLAG_NUMBER,
	                         WINHTTP_HEADER_NAME_BY_INDEX, &status, &size,
	                         WINHTTP_NO_HEADER_INDEX)) {
		fwprintf(stderr, L"voorzorg-collect: %ls: cannot send "
		                 L"(WinHTTP error %lu)\n",
		         url, (unsigned long)GetLastError());
		goto out;
	}
	read_answer(r, ans, cap);
	rc = (long)status;
out:
	SecureZeroMemory(hdr, sizeof(hdr));
	if (r != NULL)
		WinHttpCloseHandle(r);
	if (c != NULL)
		WinHttpCloseHandle(c);
	if (s != NULL)
		WinHttpCloseHandle(s);
	return rc;
}

void server_error(const char *ans, char *out, size_t size)
{
	const char *v;
	size_t n, i;

	if (vzw_json_member(ans, strlen(ans), "error", &v, &n) != 0) {
		v = ans;
		n = strlen(ans);
	}
	if (n == 0) {
		v = "no message";
		n = 10;
	}
	if (n > size - 1)
		n = size - 1;
	/* Printable ASCII only: the answer must not drive the terminal. */
	for (i = 0; i < n; i++)
		out[i] = v[i] >= 0x20 && v[i] < 0x7f ? v[i] : '?';
	out[n] = '\0';
}
