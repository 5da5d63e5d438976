package ai.thinkheads.phoenix.backend.qm;

import ai.thinkheads.phoenix.config.TagList;
import java.io.ByteArrayOutputStream;
import java.util.regex.Pattern;

/**
 * Checks made before a command is sent, for values Proxmox would reject anyway or that could not
 * reach it intact. Quoting ({@link ShellQuoting}) already makes every transmittable value safe;
 * these checks exist so that a bad value fails fast, locally, with a clear message, and never
 * reaches the node. Each rule cites where Proxmox makes the same decision.
 *
 * <p>Messages name the parameter and the rule, never the value (it may be a secret).
 *
 * <p>Types, ranges and enumerations of the other options are left to PVE on purpose: the
 * {@code Hypervisor} contract has both backends report them as PVE does, one
 * {@link ai.thinkheads.phoenix.hypervisor.ParameterRejectedException} with every parameter's
 * message, which a local check of some of them could not give.
 */
final class QmValidation {

    // pve-common PVE::JSONSchema: pve-configid ($CONFIGID_RE = qr/[a-z][a-z0-9_-]+/i)
    private static final Pattern CONFIG_ID = Pattern.compile("^[a-zA-Z][a-zA-Z0-9_\\-]+$");
    // pve-common PVE::JSONSchema::pve_verify_node_name / pve_verify_dns_name
    private static final String DNS_LABEL = "[a-zA-Z0-9]([a-zA-Z0-9\\-]*[a-zA-Z0-9])?";
    private static final Pattern NODE = Pattern.compile("^" + DNS_LABEL + "$");
    private static final Pattern DNS_NAME = Pattern.compile("^(" + DNS_LABEL + "\\.)*" + DNS_LABEL + "$");
    // pve-common PVE::JSONSchema::pve_verify_storage_id ($PVE::JSONSchema::CONFIGID_RE-like)
    private static final Pattern STORAGE_ID = Pattern.compile("^[a-zA-Z][a-zA-Z0-9\\-_.]*[a-zA-Z0-9]$");
    // qemu-server PVE::API2::Qemu resize_vm: size pattern
    private static final Pattern SIZE = Pattern.compile("^\\+?\\d+(\\.\\d+)?[KMGT]?$");
    private static final Pattern DIGEST = Pattern.compile("^[0-9a-fA-F]{1,40}$");
    // pve-access-control PVE::AccessControl::verify_poolname (format pve-poolid)
    private static final Pattern POOL = Pattern.compile("^[A-Za-z0-9.\\-_]+(?:/[A-Za-z0-9.\\-_]+){0,2}$");
    /** {@code description} maxLength in the create/config schema. */
    static final int DESCRIPTION_MAX = 8192;
    /**
     * qm guest exec --pass-stdin limit: qm.pm reads up to 1 MiB, but hands it to the API as
     * {@code input-data}, whose schema ({@code POST /nodes/{node}/qemu/{vmid}/agent/exec}) has
     * {@code maxLength} 65536, so more than 64 KiB is refused by PVE.
     */
    static final int GUEST_STDIN_MAX = 65536;

    private QmValidation() {
    }

    /** A config key: pve-configid syntax. */
    public static String configKey(String key) {
        require(key != null && CONFIG_ID.matcher(key).matches(), "config key", "must match [a-z][a-z0-9_-]+");
        return key;
    }

    /**
     * A config value for {@code key}:
     * <ul>
     *   <li>transmittable (no NUL, no unpaired surrogate: {@link ShellQuoting#checkTransmittable});</li>
     *   <li>no line feed or carriage return except in {@code description}: qemu-server
     *       {@code PVE::QemuServer::check_type} dies with "property contains a line feed";</li>
     *   <li>{@code description} at most 8192 characters (schema {@code maxLength});</li>
     *   <li>{@code name} a DNS name (schema format {@code dns-name});</li>
     *   <li>{@code tags} a list of tags (format {@code pve-tag-list}, split on {@code ;, } and
     *       whitespace as {@code PVE::Tools::split_list} does: {@link TagList#splitList});</li>
     *   <li>{@code cipassword} not empty: it travels on stdin as the answer to qm's password
     *       prompt (see {@link QmCommands}), where an empty line would set an empty password; any
     *       other value, {@code 0} and words starting with {@code -} included, arrives as it is;</li>
     *   <li>{@code sshkeys} valid URL encoding (format {@code urlencoded}), see {@link #urlDecode}.</li>
     * </ul>
     */
    public static String configValue(String key, String value) {
        configKey(key);
        if (value == null) {
            throw new IllegalArgumentException(key + ": value must not be null");
        }
        transmittable(key, value);
        if (!key.equals("description")) {
            require(value.indexOf('\n') < 0 && value.indexOf('\r') < 0, key, "must not contain a line feed or carriage return");
        }
        switch (key) {
            case "description" -> require(value.length() <= DESCRIPTION_MAX, key, "at most " + DESCRIPTION_MAX + " characters");
            case "name" -> name(value);
            case "tags" -> tags(value);
            case "cipassword" -> require(!value.isEmpty(), key, "must not be empty");
            case "sshkeys" -> urlDecode(key, value);
            default -> {
            }
        }
        return value;
    }

    /** A pool name (format {@code pve-poolid}: pve-access-control {@code verify_poolname}). */
    public static String pool(String value) {
        require(value != null && POOL.matcher(value).matches(), "pool",
                "must be a pool name (letters, digits, '.', '-', '_'; at most three levels joined by '/')");
        return value;
    }

    /** A VM name: format {@code dns-name}. */
    public static String name(String value) {
        require(value != null && DNS_NAME.matcher(value).matches(), "name", "must be a DNS name (letters, digits, '-', '.')");
        return value;
    }

    /** A {@code pve-tag-list}. */
    public static String tags(String value) {
        transmittable("tags", value);
        for (String tag : TagList.splitList(value)) {
            require(TagList.isValidTag(tag), "tags", "each tag must match [a-z0-9_][a-z0-9_+.-]*");
        }
        return value;
    }

    /** A node name (format {@code pve-node}); it also becomes a path segment for pvesh. */
    public static String node(String value) {
        require(value != null && NODE.matcher(value).matches(), "node", "must be a node name (letters, digits, '-')");
        return value;
    }

    /** A snapshot name (format {@code pve-configid}, at most 40 characters). */
    public static String snapshotName(String value) {
        require(value != null && CONFIG_ID.matcher(value).matches() && value.length() <= 40, "snapname",
                "must match [a-z][a-z0-9_-]+ and be at most 40 characters");
        return value;
    }

    /** A storage id (format {@code pve-storage-id}). */
    public static String storage(String value) {
        require(value != null && STORAGE_ID.matcher(value).matches(), "storage", "must be a storage id");
        return value;
    }

    // pve-storage PVE/Storage/Plugin.pm parse_volume_id: m/^([a-z][a-z0-9\-\_\.]*[a-z0-9]):(.+)$/i
    private static final Pattern VOLUME_ID = Pattern.compile("^([a-zA-Z][a-zA-Z0-9\\-_.]*[a-zA-Z0-9]):(.+)$");
    // pve-storage PVE/Storage/Plugin.pm parse_volname (directory plugins), for the file types the
    // seam deletes ($ISO_EXT_RE_0, $VZTMPL_EXT_RE_1, snippets, $IMPORT_EXT_RE_1 with SAFE_CHAR_CLASS_RE)
    private static final Pattern FILE_VOLNAME = Pattern.compile("^(?:iso/[^/]+\\.(?i:iso|img)"
            + "|vztmpl/[^/]+\\.(?i:tar|tar\\.gz|tar\\.xz|tar\\.zst|tar\\.bz2)"
            + "|snippets/[^/]+"
            + "|import/[a-zA-Z0-9\\-.+=_]+\\.(?:ova|qcow2|raw|vmdk))$");

    /**
     * A volume id of a file on a storage ({@code local:snippets/user.yaml}), checked as pve-storage
     * parses it before anything is sent; returns its storage id.
     * <ul>
     *   <li>{@code parse_volume_id} ({@code PVE/Storage/Plugin.pm}): a storage id, a colon, a
     *       volume name; no line break anywhere (Perl's {@code .+} stops at one; the trailing one
     *       its {@code $} would allow is refused too): {@code unable to parse volume ID};</li>
     *   <li>{@code parse_volname} of the directory plugins, for the file types this seam handles:
     *       {@code iso/<name>.iso|.img}, {@code vztmpl/<name>.tar[.gz|.xz|.zst|.bz2]},
     *       {@code snippets/<name>}, {@code import/<safe name>.ova|.qcow2|.raw|.vmdk}, the name without
     *       {@code /}: {@code unable to parse directory volume name};</li>
     *   <li>and a name {@code .} or {@code ..} is refused (pve-storage's {@code [^/]+} would take
     *       it, and the path would be the content directory or the storage itself).</li>
     * </ul>
     */
    public static String volumeId(String volid) {
        require(volid != null, "volid", "must not be null");
        transmittable("volid", volid);
        java.util.regex.Matcher m = VOLUME_ID.matcher(volid);
        if (volid.indexOf('\n') >= 0 || volid.indexOf('\r') >= 0 || !m.matches()) {
            throw new IllegalArgumentException("volid: unable to parse volume ID '" + RemoteText.oneLine(volid) + "'");
        }
        String volname = m.group(2);
        String name = volname.substring(volname.indexOf('/') + 1);
        if (!FILE_VOLNAME.matcher(volname).matches() || name.equals(".") || name.equals("..")) {
            throw new IllegalArgumentException("volid: unable to parse directory volume name '"
                    + RemoteText.oneLine(volname) + "'");
        }
        return m.group(1);
    }

    /** A disk key for resize: a config key such as {@code scsi0}. */
    public static String disk(String value) {
        require(value != null && CONFIG_ID.matcher(value).matches(), "disk", "must be a disk key such as scsi0");
        return value;
    }

    /** A size for {@code qm disk resize}. */
    public static String size(String value) {
        require(value != null && SIZE.matcher(value).matches(), "size", "must match \\+?\\d+(\\.\\d+)?[KMGT]?");
        return value;
    }

    /** A config digest (SHA-1 hex; schema {@code maxLength} 40). */
    public static String digest(String value) {
        require(value != null && DIGEST.matcher(value).matches(), "digest", "must be a hex digest of at most 40 characters");
        return value;
    }

    /** Free text that travels as one argument (descriptions of snapshots and clones, pool names). */
    public static String transmittable(String parameter, String value) {
        if (value == null) {
            throw new IllegalArgumentException(parameter + ": value must not be null");
        }
        try {
            ShellQuoting.checkTransmittable(value);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(parameter + ": " + e.getMessage(), e);
        }
        return value;
    }

    /**
     * Decodes {@code %XX} escapes as Perl's {@code URI::Escape::uri_unescape} does (no {@code +}
     * to space), refusing a {@code %} that is not followed by two hex digits.
     */
    public static byte[] urlDecode(String parameter, String value) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(value.length());
        byte[] raw = value.getBytes(java.nio.charset.StandardCharsets.UTF_8);
        for (int i = 0; i < raw.length; i++) {
            byte b = raw[i];
            if (b == '%') {
                require(i + 2 < raw.length && hex(raw[i + 1]) >= 0 && hex(raw[i + 2]) >= 0, parameter,
                        "must be URL-encoded ('%' followed by two hex digits)");
                out.write(hex(raw[i + 1]) * 16 + hex(raw[i + 2]));
                i += 2;
            } else {
                out.write(b);
            }
        }
        return out.toByteArray();
    }

    private static int hex(byte b) {
        return Character.digit((char) (b & 0xff), 16);
    }

    private static void require(boolean ok, String parameter, String rule) {
        if (!ok) {
            throw new IllegalArgumentException(parameter + ": " + rule);
        }
    }
}
