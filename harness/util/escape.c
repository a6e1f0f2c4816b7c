#include "util/escape.h"

size_t utf8_len(const unsigned char *p)
{
    unsigned c = p[0], cp;
    size_t len;
    if (c < 0x80)
        return c != 0;
    if (c >= 0xc2 && c <= 0xdf)
        len = 2, cp = c & 0x1f;
    else if (c >= 0xe0 && c <= 0xef)
        len = 3, cp = c & 0x0f;
    else if (c >= 0xf0 && c <= 0xf4)
        len = 4, cp = c & 0x07;
    else
        return 0;
    for (size_t i = 1; i < len; i++) {
        if ((p[i] & 0xc0) != 0x80)        /* also stops at the NUL */
            return 0;
        cp = (cp << 6) | (p[i] & 0x3f);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)))
        return 0;
    if (cp >= 0xd800 && cp <= 0xdfff)
        return 0;
    return len;
}

/* Length of the character at p when XML 1.0 allows it, else 0. */
static size_t xml_char_len(const unsigned char *p)
{
    size_t len = utf8_len(p);
    if (len == 1 && p[0] < 0x20 && p[0] != '\t' && p[0] != '\n' && p[0] != '\r')
        return 0;
    /* U+FFFE and U+FFFF: EF BF BE, EF BF BF */
    if (len == 3 && p[0] == 0xef && p[1] == 0xbf && p[2] >= 0xbe)
        return 0;
    return len;
}

static const char *xml_entity(unsigned char c, bool attr)
{
    switch (c) {
    case '&': return "&amp;";
    case '<': return "&lt;";
    case '>': return "&gt;";
    case '"': return "&quot;";
    case '\'': return "&apos;";
    case '\r': return "&#13;";
    case '\n': return attr ? "&#10;" : NULL;
    case '\t': return attr ? "&#9;" : NULL;
    default: return NULL;
    }
}

void xml_escape(FILE *out, const char *s, bool attr)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        size_t len = xml_char_len(p);
        const char *ent = len == 1 ? xml_entity(*p, attr) : NULL;
        if (!len)
            fprintf(out, "\\x%02x", *p);
        else if (ent)
            fputs(ent, out);
        else
            fwrite(p, 1, len, out);
        p += len ? len : 1;
    }
}

void tap_text(FILE *out, const char *s)
{
    const unsigned char *p = (const unsigned char *)(s ? s : "");
    while (*p) {
        size_t len = utf8_len(p);
        if (*p == '\n' || *p == '\r')
            fputc(' ', out);
        else if (*p == '#')
            fputs("\\#", out);
        else if (!len || (len == 1 && (*p < 0x20 || *p == 0x7f)))
            fprintf(out, "\\x%02x", *p);
        else
            fwrite(p, 1, len, out);
        p += len ? len : 1;
    }
}

void html_url_segment(FILE *out, const char *s)
{
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p >= 'a' && *p <= 'z') || (*p >= 'A' && *p <= 'Z') ||
            (*p >= '0' && *p <= '9') || *p == '-' || *p == '_' || *p == '.' ||
            *p == '~')
            fputc(*p, out);
        else
            fprintf(out, "%%%02X", *p);
    }
}
