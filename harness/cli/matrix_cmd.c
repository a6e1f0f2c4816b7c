/* tpmfault matrix: one table from several kernels' suite reports. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>

#include "cli/cli.h"
#include "runner/matrix.h"

#define EXIT_USAGE 2

int cli_matrix(int argc, char **argv, const char *root)
{
    (void)root;
    static const struct option opts[] = {
        { "out", required_argument, NULL, 'o' },
        { NULL, 0, NULL, 0 },
    };
    const char *out = NULL;
    int c;
    optind = 1;
    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        if (c != 'o')
            return EXIT_USAGE;
        out = optarg;
    }
    if (optind == argc) {
        fprintf(stderr, "tpmfault matrix: give one suite reports directory "
                "per kernel\n");
        return EXIT_USAGE;
    }
    struct matrix m;
    char *err = NULL;
    if (matrix_load(&m, argv + optind, (size_t)(argc - optind), &err) < 0) {
        fprintf(stderr, "tpmfault matrix: %s\n", err);
        free(err);
        return EXIT_USAGE;
    }
    matrix_write_md(stdout, &m);
    int rc = matrix_exit_code(&m);
    if (out && matrix_write_files(out, &m, &err) < 0) {
        fprintf(stderr, "tpmfault matrix: %s\n", err);
        free(err);
        rc = EXIT_USAGE;
    } else if (out) {
        printf("\nmatrix: %s/matrix.md, %s/matrix.json\n", out, out);
    }
    matrix_free(&m);
    return rc;
}
