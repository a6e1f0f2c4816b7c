#include "shim/book.h"

uint64_t book_begin(struct frame_book *b, const struct tpm_hdr *h)
{
    b->cur = (struct inflight){ 0 };
    b->cur.active = true;
    b->cur.ord = ++b->last_ord;
    b->cur.hdr = *h;
    b->cur.name = tpm_cc_name(h->code, frame_family(h->tag));
    return b->cur.ord;
}

void book_end(struct frame_book *b)
{
    b->cur.active = false;
    b->cur.at_tpm = false;
    b->cur.delaying = false;
    b->cur.held = false;
}
