/*
 * win/post.c - send the inventory to the fleet server: `POST URL` with
 * the inventory as the body (Content-Type: application/x-ndjson), over
 * WinHTTP, so TLS is Windows' own and its certificate checks apply (no
 * flag here relaxes them). Any answer but 2xx is a failure.
 */
#include <stdio.h>
#include <string.h>
#include <wchar.h>

#include <windows.h>
#include <winhttp.h>

#include "collect.h"

int post_inventory(const wchar_t *url, const char *body, size_t len)
{
	URL_COMPONENTSW u;
	wchar_t host[256], path[2048];
	HINTERNET s = NULL, c = NULL, r = NULL;
	DWORD status = 0, size = sizeof(status);
	int rc = -1;

	memset(&u, 0, sizeof(u));
	u.dwStructSize = sizeof(u);
	u.lpszHostName = host;
	u.dwHostNameLength = 256;
	u.lpszUrlPath = path;
	u.dwUrlPathLength = 2048;
	if (len > 0xffffffffu ||
	    !WinHttpCrackUrl(url, 0, 0, &u) ||
	    (u.nScheme != INTERNET_SCHEME_HTTPS &&
	     u.nScheme != INTERNET_SCHEME_HTTP)) {
		fwprintf(stderr, L"voorzorg-collect: %ls: not an http or "
		                 L"https URL\n",
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
	if (r == NULL ||
	    !WinHttpSendRequest(r,
	                        L"Content-Type: application/x-ndjson\r\n",
	                        (DWORD)-1L, (void *)(size_t)body, (DWORD)len,
	                        (DWORD)len, 0) ||
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
	if (status < 200 || status > 299) {
		fwprintf(stderr, L"voorzorg-collect: %ls: the server answered "
		                 L"%lu\n",
		         url, (unsigned long)status);
		goto out;
	}
	rc = 0;
out:
	if (r != NULL)
		WinHttpCloseHandle(r);
	if (c != NULL)
		WinHttpCloseHandle(c);
	if (s != NULL)
		WinHttpCloseHandle(s);
	return rc;
}
