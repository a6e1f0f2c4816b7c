/* A whole text file in memory: scripts, reports, anything parsed at once. */
#ifndef TPMFAULT_TEXTFILE_H
#define TPMFAULT_TEXTFILE_H

/* The file's bytes, NUL-terminated (an empty file gives ""); NULL with *err
 * naming the file when it cannot be read or holds a NUL byte (text parsers
 * would silently stop there).  The caller frees it. */
char *text_file_read(const char *path, char **err);

#endif
