#include "tpm/frame.h"

#include <string.h>

#include "util/err.h"
#include "util/rd.h"

int frame_tag_is_tpm12(uint16_t tag)
{
    return tag >= 0x00C1 && tag <= 0x00C6;
}

int frame_hdr_parse(const uint8_t *buf, size_t len, uint32_t max_size,
                    struct tpm_hdr *h, char **err)
{
    struct rd r = rd_init(buf, len);
    if (rd_be16(&r, &h->tag) < 0 || rd_be32(&r, &h->size) < 0 ||
        rd_be32(&r, &h->code) < 0)
        return err_set(err, "TPM header truncated: %zu of %d bytes", len,
                       TPM_HDR_SIZE);
    if (h->size < TPM_HDR_SIZE)
        return err_set(err, "TPM size field %u is below the header size",
                       h->size);
    if (max_size && h->size > max_size)
        return err_set(err, "TPM size field %u exceeds the buffer size %u",
                       h->size, max_size);
    return 0;
}

struct code_name {
    uint32_t code;
    const char *name;
};

static const char *lookup(const struct code_name *t, size_t n, uint32_t c)
{
    for (size_t i = 0; i < n; i++)
        if (t[i].code == c)
            return t[i].name;
    return NULL;
}

#define N(t) (sizeof(t) / sizeof((t)[0]))

static const struct code_name cc2[] = {
    { 0x11F, "NV_UndefineSpaceSpecial" }, { 0x120, "EvictControl" },
    { 0x121, "HierarchyControl" }, { 0x122, "NV_UndefineSpace" },
    { 0x126, "Clear" }, { 0x127, "ClearControl" },
    { 0x129, "HierarchyChangeAuth" }, { 0x12A, "NV_DefineSpace" },
    { 0x12B, "PCR_Allocate" }, { 0x131, "CreatePrimary" },
    { 0x137, "NV_Write" }, { 0x139, "DictionaryAttackLockReset" },
    { 0x13C, "PCR_Event" }, { 0x13D, "PCR_Reset" },
    { 0x142, "IncrementalSelfTest" }, { 0x143, "SelfTest" },
    { 0x144, "Startup" }, { 0x145, "Shutdown" }, { 0x14C, "GetTime" },
    { 0x14E, "NV_Read" }, { 0x153, "Create" }, { 0x157, "Load" },
    { 0x158, "Quote" }, { 0x15D, "Sign" }, { 0x15E, "Unseal" },
    { 0x161, "ContextLoad" }, { 0x162, "ContextSave" },
    { 0x165, "FlushContext" }, { 0x169, "NV_ReadPublic" },
    { 0x173, "ReadPublic" }, { 0x176, "StartAuthSession" },
    { 0x177, "VerifySignature" }, { 0x17A, "GetCapability" },
    { 0x17B, "GetRandom" }, { 0x17C, "GetTestResult" }, { 0x17D, "Hash" },
    { 0x17E, "PCR_Read" }, { 0x17F, "PolicyPCR" }, { 0x181, "ReadClock" },
    { 0x182, "PCR_Extend" }, { 0x18A, "TestParms" },
    { 0x191, "CreateLoaded" },
};

/* TPM 1.2 ordinals (TPM Main Part 2, "Ordinals"), named as the spec names
 * them: what QEMU, SeaBIOS, the kernel, IMA and a 1.2 quote send. */
static const struct code_name cc12[] = {
    { 0x0A, "TPM_ORD_OIAP" }, { 0x0B, "TPM_ORD_OSAP" },
    { 0x0D, "TPM_ORD_TakeOwnership" }, { 0x14, "TPM_ORD_Extend" },
    { 0x15, "TPM_ORD_PcrRead" }, { 0x16, "TPM_ORD_Quote" },
    { 0x17, "TPM_ORD_Seal" }, { 0x18, "TPM_ORD_Unseal" },
    { 0x1F, "TPM_ORD_CreateWrapKey" }, { 0x21, "TPM_ORD_GetPubKey" },
    { 0x3C, "TPM_ORD_Sign" }, { 0x3E, "TPM_ORD_Quote2" },
    { 0x41, "TPM_ORD_LoadKey2" }, { 0x46, "TPM_ORD_GetRandom" },
    { 0x50, "TPM_ORD_SelfTestFull" }, { 0x53, "TPM_ORD_ContinueSelfTest" },
    { 0x54, "TPM_ORD_GetTestResult" }, { 0x5B, "TPM_ORD_OwnerClear" },
    { 0x65, "TPM_ORD_GetCapability" }, { 0x6F, "TPM_ORD_PhysicalEnable" },
    { 0x72, "TPM_ORD_PhysicalSetDeactivated" },
    { 0x79, "TPM_ORD_MakeIdentity" }, { 0x7A, "TPM_ORD_ActivateIdentity" },
    { 0x7C, "TPM_ORD_ReadPubek" }, { 0x96, "TPM_ORD_Terminate_Handle" },
    { 0x98, "TPM_ORD_SaveState" }, { 0x99, "TPM_ORD_Startup" },
    { 0xBA, "TPM_ORD_FlushSpecific" }, { 0xC8, "TPM_ORD_PCR_Reset" },
    { 0xCC, "TPM_ORD_NV_DefineSpace" }, { 0xCD, "TPM_ORD_NV_WriteValue" },
    { 0xCF, "TPM_ORD_NV_ReadValue" }, { 0xF1, "TPM_ORD_GetTicks" },
    { 0x4000000A, "TSC_ORD_PhysicalPresence" },
    { 0x4000000B, "TSC_ORD_ResetEstablishmentBit" },
};

/* One TPM family's names: commands (ordinals) and response codes. */
struct family_names {
    const struct code_name *cc, *rc;
    size_t n_cc, n_rc;
};

static const struct code_name rc2[] = {
    { 0x000, "TPM_RC_SUCCESS" }, { 0x01E, "TPM_RC_BAD_TAG" },
    { 0x100, "TPM_RC_INITIALIZE" }, { 0x101, "TPM_RC_FAILURE" },
    { 0x103, "TPM_RC_SEQUENCE" }, { 0x120, "TPM_RC_DISABLED" },
    { 0x125, "TPM_RC_AUTH_MISSING" }, { 0x126, "TPM_RC_POLICY" },
    { 0x127, "TPM_RC_PCR" }, { 0x128, "TPM_RC_PCR_CHANGED" },
    { 0x130, "TPM_RC_REBOOT" }, { 0x142, "TPM_RC_COMMAND_SIZE" },
    { 0x143, "TPM_RC_COMMAND_CODE" }, { 0x144, "TPM_RC_AUTHSIZE" },
    { 0x145, "TPM_RC_AUTH_CONTEXT" }, { 0x14A, "TPM_RC_NV_UNINITIALIZED" },
    { 0x153, "TPM_RC_NEEDS_TEST" }, { 0x154, "TPM_RC_NO_RESULT" },
    { 0x902, "TPM_RC_OBJECT_MEMORY" }, { 0x903, "TPM_RC_SESSION_MEMORY" },
    { 0x904, "TPM_RC_MEMORY" }, { 0x907, "TPM_RC_LOCALITY" },
    { 0x908, "TPM_RC_YIELDED" }, { 0x909, "TPM_RC_CANCELED" },
    { 0x90A, "TPM_RC_TESTING" }, { 0x920, "TPM_RC_NV_RATE" },
    { 0x921, "TPM_RC_LOCKOUT" }, { 0x922, "TPM_RC_RETRY" },
    { 0x923, "TPM_RC_NV_UNAVAILABLE" },
};

/* Format-one codes (bit 7): the low 6 bits name the error. */
static const struct code_name rc2_fmt1[] = {
    { 0x081, "TPM_RC_ASYMMETRIC" }, { 0x082, "TPM_RC_ATTRIBUTES" },
    { 0x083, "TPM_RC_HASH" }, { 0x084, "TPM_RC_VALUE" },
    { 0x085, "TPM_RC_HIERARCHY" }, { 0x087, "TPM_RC_KEY_SIZE" },
    { 0x08B, "TPM_RC_HANDLE" }, { 0x08E, "TPM_RC_AUTH_FAIL" },
    { 0x095, "TPM_RC_SIZE" }, { 0x098, "TPM_RC_SELECTOR" },
    { 0x09A, "TPM_RC_INSUFFICIENT" }, { 0x09C, "TPM_RC_KEY" },
    { 0x0A2, "TPM_RC_BAD_AUTH" },
};

/* TPM 1.2 return codes (TPM Main Part 2, "Return codes"): TPM_BASE 0,
 * TPM_NON_FATAL 0x800. */
static const struct code_name rc12[] = {
    { 0x00, "TPM_SUCCESS" }, { 0x01, "TPM_AUTHFAIL" },
    { 0x02, "TPM_BADINDEX" }, { 0x03, "TPM_BAD_PARAMETER" },
    { 0x04, "TPM_AUDITFAILURE" }, { 0x05, "TPM_CLEAR_DISABLED" },
    { 0x06, "TPM_DEACTIVATED" }, { 0x07, "TPM_DISABLED" },
    { 0x08, "TPM_DISABLED_CMD" }, { 0x09, "TPM_FAIL" },
    { 0x0A, "TPM_BAD_ORDINAL" }, { 0x0B, "TPM_INSTALL_DISABLED" },
    { 0x0C, "TPM_INVALID_KEYHANDLE" }, { 0x0D, "TPM_KEYNOTFOUND" },
    { 0x0E, "TPM_INAPPROPRIATE_ENC" }, { 0x0F, "TPM_MIGRATEFAIL" },
    { 0x10, "TPM_INVALID_PCR_INFO" }, { 0x11, "TPM_NOSPACE" },
    { 0x12, "TPM_NOSRK" }, { 0x13, "TPM_NOTSEALED_BLOB" },
    { 0x14, "TPM_OWNER_SET" }, { 0x15, "TPM_RESOURCES" },
    { 0x16, "TPM_SHORTRANDOM" }, { 0x17, "TPM_SIZE" },
    { 0x18, "TPM_WRONGPCRVAL" }, { 0x19, "TPM_BAD_PARAM_SIZE" },
    { 0x1A, "TPM_SHA_THREAD" }, { 0x1B, "TPM_SHA_ERROR" },
    { 0x1C, "TPM_FAILEDSELFTEST" }, { 0x1D, "TPM_AUTH2FAIL" },
    { 0x1E, "TPM_BADTAG" }, { 0x1F, "TPM_IOERROR" },
    { 0x20, "TPM_ENCRYPT_ERROR" }, { 0x21, "TPM_DECRYPT_ERROR" },
    { 0x22, "TPM_INVALID_AUTHHANDLE" }, { 0x23, "TPM_NO_ENDORSEMENT" },
    { 0x24, "TPM_INVALID_KEYUSAGE" }, { 0x25, "TPM_WRONG_ENTITYTYPE" },
    { 0x26, "TPM_INVALID_POSTINIT" }, { 0x27, "TPM_INAPPROPRIATE_SIG" },
    { 0x3D, "TPM_BAD_LOCALITY" }, { 0x800, "TPM_RETRY" },
    { 0x801, "TPM_NEEDS_SELFTEST" }, { 0x802, "TPM_DOING_SELFTEST" },
    { 0x803, "TPM_DEFEND_LOCK_RUNNING" },
};

static const struct family_names families[] = {
    [TPM_FAMILY_20] = { cc2, rc2, N(cc2), N(rc2) },
    [TPM_FAMILY_12] = { cc12, rc12, N(cc12), N(rc12) },
};

static const struct family_names *names_of(enum tpm_family f)
{
    return &families[f == TPM_FAMILY_12 ? TPM_FAMILY_12 : TPM_FAMILY_20];
}

const char *tpm_cc_name(uint32_t cc, enum tpm_family f)
{
    const struct family_names *t = names_of(f);
    const char *n = lookup(t->cc, t->n_cc, cc);
    return n ? n : "unknown";
}

bool tpm_cc_known(uint32_t cc, enum tpm_family f)
{
    const struct family_names *t = names_of(f);
    return lookup(t->cc, t->n_cc, cc) != NULL;
}

const char *tpm_rc_name(uint32_t rc, enum tpm_family f)
{
    if (f == TPM_FAMILY_12)
        return lookup(rc12, N(rc12), rc);
    if (rc & 0x80)
        return lookup(rc2_fmt1, N(rc2_fmt1), rc & 0xBF);
    return lookup(rc2, N(rc2), rc);
}

/* A code by its name in one table. */
static int code_by_name(const struct code_name *t, size_t n, const char *name,
                        uint32_t *code)
{
    for (size_t i = 0; i < n; i++) {
        if (strcmp(t[i].name, name) == 0) {
            *code = t[i].code;
            return 0;
        }
    }
    return -1;
}

int tpm_cc_by_name(const char *name, enum tpm_family f, uint32_t *cc)
{
    const struct family_names *t = names_of(f);
    return code_by_name(t->cc, t->n_cc, name, cc);
}

int tpm_rc_by_name(const char *name, enum tpm_family f, uint32_t *rc)
{
    const struct family_names *t = names_of(f);
    if (code_by_name(t->rc, t->n_rc, name, rc) == 0)
        return 0;
    return f == TPM_FAMILY_20 ? code_by_name(rc2_fmt1, N(rc2_fmt1), name, rc)
                              : -1;
}

void frame_put_hdr(uint8_t *buf, uint16_t tag, size_t size, uint32_t code)
{
    put_be16(buf, tag);
    put_be32(buf + 2, (uint32_t)size);
    put_be32(buf + 6, code);
}

size_t frame_build_error(uint8_t *buf, uint16_t cmd_tag, uint32_t rc2v,
                         uint32_t rc12v)
{
    if (frame_tag_is_tpm12(cmd_tag))
        frame_put_hdr(buf, TPM12_TAG_RSP_COMMAND, TPM_HDR_SIZE, rc12v);
    else
        frame_put_hdr(buf, TPM2_ST_NO_SESSIONS, TPM_HDR_SIZE, rc2v);
    return TPM_HDR_SIZE;
}
