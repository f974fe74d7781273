#ifndef KLAXON_CCURL_SHIM_H
#define KLAXON_CCURL_SHIM_H

// libcurl for Swift. curl_easy_setopt, curl_easy_getinfo and curl_multi_setopt are
// variadic, which Swift cannot call; these typed inline wrappers can be. Flag macros
// built from casts (CURLAUTH_*, CURL_GLOBAL_*) are re-exported as plain constants.

#include <curl/curl.h>

static inline CURLcode klx_easy_setopt_long(CURL *h, CURLoption o, long v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode klx_easy_setopt_ptr(CURL *h, CURLoption o, void *v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode klx_easy_setopt_str(CURL *h, CURLoption o, const char *v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode klx_easy_setopt_off_t(CURL *h, CURLoption o, curl_off_t v) {
    return curl_easy_setopt(h, o, v);
}
static inline CURLcode klx_easy_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) {
    return curl_easy_setopt(h, o, v);
}
/// For CURLOPT_WRITEFUNCTION, CURLOPT_HEADERFUNCTION and CURLOPT_READFUNCTION, which share
/// one shape: (buffer, size, count, userdata) -> bytes handled.
static inline CURLcode klx_easy_setopt_func(CURL *h, CURLoption o,
                                            size_t (*f)(char *, size_t, size_t, void *)) {
    return curl_easy_setopt(h, o, f);
}

static inline CURLcode klx_easy_getinfo_long(CURL *h, CURLINFO i, long *v) {
    return curl_easy_getinfo(h, i, v);
}
static inline CURLcode klx_easy_getinfo_double(CURL *h, CURLINFO i, double *v) {
    return curl_easy_getinfo(h, i, v);
}
static inline CURLcode klx_easy_getinfo_off_t(CURL *h, CURLINFO i, curl_off_t *v) {
    return curl_easy_getinfo(h, i, v);
}
static inline CURLcode klx_easy_getinfo_str(CURL *h, CURLINFO i, char **v) {
    return curl_easy_getinfo(h, i, v);
}
static inline CURLcode klx_easy_getinfo_ptr(CURL *h, CURLINFO i, void **v) {
    return curl_easy_getinfo(h, i, v);
}

static inline CURLMcode klx_multi_setopt_long(CURLM *m, CURLMoption o, long v) {
    return curl_multi_setopt(m, o, v);
}

static inline CURLcode klx_global_init_all(void) {
    return curl_global_init(CURL_GLOBAL_ALL);
}

static const long KLX_CURLAUTH_BASIC = (long)CURLAUTH_BASIC;
static const long KLX_CURLAUTH_BEARER = (long)CURLAUTH_BEARER;
static const long KLX_CURL_ERROR_SIZE = CURL_ERROR_SIZE;

#endif
