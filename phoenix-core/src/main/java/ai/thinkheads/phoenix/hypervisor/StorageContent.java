package ai.thinkheads.phoenix.hypervisor;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The file-like content types of a Proxmox storage that Phoenix reads and writes through
 * {@link Hypervisor#uploadFile}, {@link Hypervisor#listVolumes} and {@link Hypervisor#deleteVolume}
 * (disk images are not files here: they come and go with their VMs).
 *
 * <p>Each type has its Proxmox word ({@link #word()}, as in {@code storage.cfg}'s {@code content}
 * list and the API's {@code content} parameter) and its volume-name directory: a file
 * {@code user.yaml} of type {@link #SNIPPETS} on storage {@code local} is the volume
 * {@code local:snippets/user.yaml} ({@link #volid}). The file-name rules are pve-storage's
 * (see {@link #filenameErrors}).
 */
public enum StorageContent {
    /** {@code iso}: ISO images, {@code <storage>:iso/<name>.iso} (or {@code .img}). */
    ISO("iso", "iso"),
    /** {@code snippets}: hook scripts and cloud-init documents, {@code <storage>:snippets/<name>}. */
    SNIPPETS("snippets", "snippets"),
    /** {@code import}: disk images to import from, {@code <storage>:import/<name>.(ova|qcow2|raw|vmdk)}. */
    IMPORT("import", "import"),
    /** {@code vztmpl}: container templates, {@code <storage>:vztmpl/<name>.tar[.gz|.xz|.zst|.bz2]}. */
    VZTMPL("vztmpl", "vztmpl");

    // pve-storage PVE/Storage.pm: $ISO_EXT_RE_0, $VZTMPL_EXT_RE_1, $UPLOAD_IMPORT_EXT_RE_1, $SAFE_CHAR_CLASS_RE
    private static final Pattern ISO_NAME = Pattern.compile("[^/]+\\.(?:iso|img)", Pattern.CASE_INSENSITIVE);
    private static final Pattern VZTMPL_NAME = Pattern.compile("[^/]+\\.(?:tar(?!\\.)|tar\\.(?:gz|xz|zst|bz2))",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern IMPORT_NAME = Pattern.compile("[a-zA-Z0-9\\-.+=_]+\\.(ova|qcow2|raw|vmdk)");
    private static final Pattern NOT_NORMAL = Pattern.compile("[^a-zA-Z0-9_.-]");

    private final String word;
    private final String directory;

    StorageContent(String word, String directory) {
        this.word = word;
        this.directory = directory;
    }

    /** Proxmox's word for it: {@code iso}, {@code snippets}, {@code import}, {@code vztmpl}. */
    public String word() {
        return word;
    }

    /** The type whose Proxmox word is {@code word}; empty for other words ({@code images}, {@code backup}...). */
    public static Optional<StorageContent> fromWord(String word) {
        for (StorageContent c : values()) {
            if (c.word.equals(word == null ? null : word.toLowerCase(Locale.ROOT))) {
                return Optional.of(c);
            }
        }
        return Optional.empty();
    }

    /** The volume name of file {@code filename}: {@code snippets/user.yaml}. */
    public String volname(String filename) {
        return directory + "/" + filename;
    }

    /** The volume id of file {@code filename} on {@code storage}: {@code local:snippets/user.yaml}. */
    public String volid(String storage, String filename) {
        return storage + ":" + volname(filename);
    }

    /**
     * What pve-storage makes of an uploaded file name ({@code PVE::Storage::normalize_content_filename}):
     * everything up to the last slash or backslash goes, and every character other than
     * {@code [a-zA-Z0-9_.-]} becomes {@code _}.
     */
    public static String normalizeFilename(String filename) {
        String name = filename.endsWith("\n") ? filename.substring(0, filename.length() - 1) : filename;
        name = name.replaceFirst("^.*[/\\\\]", "");
        return NOT_NORMAL.matcher(name).replaceAll("_");
    }

    /**
     * Why {@code filename} cannot be a file of this type, as {@code filename} → message (empty when
     * it can). The extension rules are pve-storage's upload checks (pve-storage
     * {@code PVE/API2/Storage/Status.pm}, {@code upload}: {@code wrong file extension},
     * {@code invalid filename or wrong extension}) and its volume-name parser
     * ({@code PVE::Storage::Plugin::parse_volname}). Phoenix also refuses, in its own words, a name
     * Proxmox would rename ({@link #normalizeFilename}), so the volume id is known before the upload,
     * and the names {@code .} and {@code ..}.
     */
    public Map<String, String> filenameErrors(String filename) {
        Map<String, String> errors = new LinkedHashMap<>();
        if (filename == null || filename.isEmpty()) {
            errors.put("filename", "property is missing and it is not optional");
            return errors;
        }
        if (filename.length() > 255) {
            // the upload schema: maxLength 255
            errors.put("filename", "value may only be 255 characters long");
            return errors;
        }
        String normal = normalizeFilename(filename);
        if (!normal.equals(filename)) {
            errors.put("filename", "file name '" + filename + "' would be stored as '" + normal
                    + "' (Proxmox normalizes upload names to [a-zA-Z0-9_.-])");
            return errors;
        }
        if (filename.equals(".") || filename.equals("..")) {
            errors.put("filename", "file name '" + filename + "' is not a file");
            return errors;
        }
        switch (this) {
            case ISO -> {
                if (!ISO_NAME.matcher(filename).matches()) {
                    errors.put("filename", "wrong file extension");
                }
            }
            case VZTMPL -> {
                if (!VZTMPL_NAME.matcher(filename).matches()) {
                    errors.put("filename", "wrong file extension");
                }
            }
            case IMPORT -> {
                if (!IMPORT_NAME.matcher(filename).matches()) {
                    errors.put("filename", "invalid filename or wrong extension");
                }
            }
            case SNIPPETS -> {
                // parse_volname: m!^snippets/([^/]+)$!, any name without a slash
            }
        }
        return errors;
    }

    /**
     * What every {@link Hypervisor#uploadFile} checks before it sends anything, in this order (the one
     * copy of these checks; each backend then leaves the rest to Proxmox, or to its own transport):
     * <ol>
     *   <li>{@code node}, {@code storage}, {@code content} and {@code data} are given;</li>
     *   <li>{@code writer} can write {@code content} at all ({@link Hypervisor#uploadableContent()}),
     *       else {@link UnsupportedOperationException} naming the content and the backend;</li>
     *   <li>{@code filename} is a name of that type Proxmox keeps as it is ({@link #filenameErrors}),
     *       else {@link ParameterRejectedException} for {@code filename}, so the volume id is known
     *       before the upload.</li>
     * </ol>
     */
    public static void checkUpload(Hypervisor writer, String node, String storage, StorageContent content,
                                   String filename, byte[] data) {
        Objects.requireNonNull(node, "node");
        Objects.requireNonNull(storage, "storage");
        Objects.requireNonNull(content, "content");
        Objects.requireNonNull(data, "data");
        Set<StorageContent> writable = writer.uploadableContent();
        if (!writable.contains(content)) {
            Set<String> words = new TreeSet<>();
            writable.forEach(c -> words.add(c.word()));
            throw new UnsupportedOperationException("uploading '" + content.word() + "' content is not supported by "
                    + writer.getClass().getSimpleName() + " (it writes " + (words.isEmpty() ? "no files" : String.join(", ", words))
                    + ")");
        }
        Map<String, String> errors = content.filenameErrors(filename);
        if (!errors.isEmpty()) {
            throw new ParameterRejectedException(node, null, errors);
        }
    }

    /**
     * The {@code format} pve-storage lists a file of this type with (pve-storage
     * {@code PVE/Storage/Plugin.pm} {@code $get_subdir_files}): {@code iso}; {@code snippet};
     * the extension for import images; {@code tar}, {@code tgz}, {@code txz}... for templates.
     */
    public String formatOf(String filename) {
        String lower = filename.toLowerCase(Locale.ROOT);
        return switch (this) {
            case ISO -> "iso";
            case SNIPPETS -> "snippet";
            case IMPORT -> lower.substring(lower.lastIndexOf('.') + 1);
            case VZTMPL -> lower.endsWith(".tar") ? "tar" : "t" + lower.substring(lower.lastIndexOf('.') + 1);
        };
    }

    /**
     * The file name of {@code volid} if it is a file of this type ({@code local:snippets/a.yaml} →
     * {@code a.yaml}); empty otherwise.
     */
    public Optional<String> filenameOf(String volid) {
        int colon = volid.indexOf(':');
        String volname = colon < 0 ? volid : volid.substring(colon + 1);
        String prefix = directory + "/";
        if (!volname.startsWith(prefix) || volname.length() == prefix.length()
                || volname.indexOf('/', prefix.length()) >= 0) {
            return Optional.empty();
        }
        return Optional.of(volname.substring(prefix.length()));
    }
}
