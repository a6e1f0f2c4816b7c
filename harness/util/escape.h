/* Text from scripts, the guest and the trace, written into the files CI
 * parses: one escaper per format, and one rule for what is text: valid
 * UTF-8 (no stray, overlong or surrogate sequence, nothing past U+10FFFF);
 * any other byte is written as the visible text \xNN. */
#ifndef TPMFAULT_ESCAPE_H
#define TPMFAULT_ESCAPE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Length (1..4) of the valid UTF-8 sequence at p, or 0 (also at the NUL:
 * callers stop there). */
size_t utf8_len(const unsigned char *p);

/* s as XML character data (attr false) or an attribute value (attr true):
 * & < > " ' as entities; in attributes also tab, CR and LF as character
 * references so they survive attribute normalisation.  Bytes XML 1.0
 * cannot carry (other control characters, invalid UTF-8, U+FFFE/U+FFFF)
 * become \xNN.  NULL writes nothing. */
void xml_escape(FILE *out, const char *s, bool attr);

/* s as one line of a TAP description or directive: line breaks as
 * blanks, '#' as \# (it would start a directive), control characters and
 * invalid UTF-8 as \xNN.  NULL writes nothing. */
void tap_text(FILE *out, const char *s);

/* s as one path segment of a link: unreserved bytes as they are, the rest
 * %XX (the suite's and explore's index.html). */
void html_url_segment(FILE *out, const char *s);

#endif
