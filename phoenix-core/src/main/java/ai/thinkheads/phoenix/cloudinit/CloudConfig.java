package ai.thinkheads.phoenix.cloudinit;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * A {@code #cloud-config} user-data document: the part of cloud-init's configuration Phoenix writes
 * (hostname, users, apt sources, packages, files, mounts, commands). Immutable; documents
 * {@link #merge merge} the way features combine them (lists append, packages and sources unite).
 *
 * <pre>{@code
 * CloudConfig doc = CloudConfig.builder()
 *     .hostname("web-01")
 *     .packages("qemu-guest-agent")
 *     .runcmd("systemctl", "enable", "--now", "qemu-guest-agent")
 *     .build();
 * String userData = doc.render();   // "#cloud-config\n..." — YAML cloud-init reads
 * }</pre>
 *
 * <p>{@link #render()} writes block-style YAML whose scalars are all JSON double-quoted strings (or
 * {@code true}/{@code false}), so no value can change the document's structure, whatever it
 * contains; cloud-init reads it with PyYAML's safe loader (see {@link #q}). The output is deterministic: the same
 * document renders to the same bytes, which is what lets Phoenix name a user-data file by a hash of
 * its content. Commands are argv lists: cloud-init runs a list entry of {@code runcmd} without a
 * shell ({@code cloudinit/config/cc_runcmd.py}, {@code util.shellify}).
 */
public final class CloudConfig {

    private final String hostname;
    private final String fqdn;
    private final Boolean manageEtcHosts;
    private final List<User> users;
    private final Boolean packageUpdate;
    private final Boolean packageUpgrade;
    private final Map<String, AptSource> aptSources;
    private final Set<String> packages;
    private final List<WriteFile> writeFiles;
    private final List<List<String>> mounts;
    private final List<List<String>> runcmd;

    private CloudConfig(Builder b) {
        hostname = b.hostname;
        fqdn = b.fqdn;
        manageEtcHosts = b.manageEtcHosts;
        users = List.copyOf(b.users.values());
        packageUpdate = b.packageUpdate;
        packageUpgrade = b.packageUpgrade;
        aptSources = Collections.unmodifiableMap(new LinkedHashMap<>(b.aptSources));
        packages = Collections.unmodifiableSet(new LinkedHashSet<>(b.packages));
        writeFiles = List.copyOf(b.writeFiles);
        mounts = b.mounts.stream().map(List::copyOf).toList();
        runcmd = b.runcmd.stream().map(List::copyOf).toList();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** An empty document. */
    public static CloudConfig empty() {
        return builder().build();
    }

    public Builder toBuilder() {
        return new Builder().merge(this);
    }

    /** This document with {@code other} merged in: see {@link Builder#merge}. */
    public CloudConfig merge(CloudConfig other) {
        return toBuilder().merge(other).build();
    }

    public Optional<String> hostname() {
        return Optional.ofNullable(hostname);
    }

    public List<User> users() {
        return users;
    }

    public Set<String> packages() {
        return packages;
    }

    public Map<String, AptSource> aptSources() {
        return aptSources;
    }

    public List<WriteFile> writeFiles() {
        return writeFiles;
    }

    public List<List<String>> mounts() {
        return mounts;
    }

    public List<List<String>> runcmd() {
        return runcmd;
    }

    /** Whether the document says nothing (only the {@code #cloud-config} header). */
    public boolean isEmpty() {
        return hostname == null && fqdn == null && manageEtcHosts == null && users.isEmpty() && packageUpdate == null
                && packageUpgrade == null && aptSources.isEmpty() && packages.isEmpty() && writeFiles.isEmpty() && mounts.isEmpty()
                && runcmd.isEmpty();
    }

    /** The document as cloud-init reads it, starting with {@code #cloud-config}. */
    public String render() {
        StringBuilder y = new StringBuilder("#cloud-config\n");
        scalar(y, "hostname", hostname);
        scalar(y, "fqdn", fqdn);
        flag(y, "manage_etc_hosts", manageEtcHosts);
        if (!users.isEmpty()) {
            y.append("users:\n");
            for (User u : users) {
                if (u.isDefault()) {
                    y.append("  - ").append(q("default")).append('\n');
                    continue;
                }
                y.append("  - name: ").append(q(u.name())).append('\n');
                if (!u.groups().isEmpty()) {
                    y.append("    groups: ").append(q(String.join(",", u.groups()))).append('\n');
                }
                if (u.sudo() != null) {
                    y.append("    sudo: ").append(q(u.sudo())).append('\n');
                }
                if (u.shell() != null) {
                    y.append("    shell: ").append(q(u.shell())).append('\n');
                }
                if (u.passwordHash() != null) {
                    y.append("    lock_passwd: false\n");
                    y.append("    hashed_passwd: ").append(q(u.passwordHash())).append('\n');
                }
                if (!u.sshAuthorizedKeys().isEmpty()) {
                    y.append("    ssh_authorized_keys:\n");
                    u.sshAuthorizedKeys().forEach(k -> y.append("      - ").append(q(k)).append('\n'));
                }
            }
        }
        flag(y, "package_update", packageUpdate);
        flag(y, "package_upgrade", packageUpgrade);
        if (!aptSources.isEmpty()) {
            y.append("apt:\n  sources:\n");
            aptSources.forEach((name, s) -> {
                y.append("    ").append(q(name)).append(":\n");
                y.append("      source: ").append(q(s.source())).append('\n');
                if (s.keyid() != null) {
                    y.append("      keyid: ").append(q(s.keyid())).append('\n');
                }
                if (s.key() != null) {
                    y.append("      key: ").append(q(s.key())).append('\n');
                }
            });
        }
        list(y, "packages", List.copyOf(packages));
        if (!writeFiles.isEmpty()) {
            y.append("write_files:\n");
            for (WriteFile f : writeFiles) {
                y.append("  - path: ").append(q(f.path())).append('\n');
                y.append("    content: ").append(q(f.content())).append('\n');
                if (f.permissions() != null) {
                    y.append("    permissions: ").append(q(f.permissions())).append('\n');
                }
                if (f.owner() != null) {
                    y.append("    owner: ").append(q(f.owner())).append('\n');
                }
            }
        }
        lists(y, "mounts", mounts);
        lists(y, "runcmd", runcmd);
        return y.toString();
    }

    private static void scalar(StringBuilder y, String key, String value) {
        if (value != null) {
            y.append(key).append(": ").append(q(value)).append('\n');
        }
    }

    private static void flag(StringBuilder y, String key, Boolean value) {
        if (value != null) {
            y.append(key).append(": ").append(value).append('\n');
        }
    }

    private static void list(StringBuilder y, String key, List<String> values) {
        if (!values.isEmpty()) {
            y.append(key).append(":\n");
            values.forEach(v -> y.append("  - ").append(q(v)).append('\n'));
        }
    }

    private static void lists(StringBuilder y, String key, List<List<String>> values) {
        if (!values.isEmpty()) {
            y.append(key).append(":\n");
            for (List<String> v : values) {
                y.append("  - [");
                for (int i = 0; i < v.size(); i++) {
                    y.append(i == 0 ? "" : ", ").append(q(v.get(i)));
                }
                y.append("]\n");
            }
        }
    }

    /**
     * A YAML double-quoted scalar holding exactly {@code s}: quotes and backslashes escaped, and every
     * character outside YAML's printable set — or that YAML 1.1 (PyYAML, which cloud-init uses)
     * takes as a line break (NEL, U+2028, U+2029) — written as a backslash-u escape (four hex digits).
     *
     * @throws IllegalArgumentException for text that is not valid Unicode (a lone surrogate)
     */
    static String q(String s) {
        StringBuilder b = new StringBuilder(s.length() + 2).append('"');
        for (int i = 0; i < s.length(); ) {
            int cp = s.codePointAt(i);
            i += Character.charCount(cp);
            switch (cp) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> {
                    if (cp >= Character.MIN_SURROGATE && cp <= Character.MAX_SURROGATE) {
                        throw new IllegalArgumentException("text is not valid Unicode: it holds a lone surrogate");
                    }
                    if (cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x2028 || cp == 0x2029 || cp == 0xFFFE || cp == 0xFFFF) {
                        b.append(String.format("\\u%04X", cp));
                    } else {
                        b.appendCodePoint(cp);
                    }
                }
            }
        }
        return b.append('"').toString();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CloudConfig c && c.render().equals(render());
    }

    @Override
    public int hashCode() {
        return render().hashCode();
    }

    /** Lists what the document does; never the password hash. */
    @Override
    public String toString() {
        return "CloudConfig{hostname=" + hostname + ", users=" + users.stream().map(User::name).toList()
                + ", packages=" + packages + ", aptSources=" + aptSources.keySet() + ", files="
                + writeFiles.stream().map(WriteFile::path).toList() + ", mounts=" + mounts.size() + ", runcmd=" + runcmd.size() + "}";
    }

    // ---- parts ---------------------------------------------------------------------------

    /**
     * A user ({@code users:} entry). {@link #defaultUser()} is cloud-init's {@code default} entry (the
     * image's own user, {@code ubuntu} on Ubuntu).
     *
     * @param passwordHash a crypt(3) hash, a secret: never in {@code toString}
     */
    public record User(String name, List<String> groups, String sudo, String shell, String passwordHash,
                       List<String> sshAuthorizedKeys) {
        public User {
            Objects.requireNonNull(name, "name");
            groups = List.copyOf(groups);
            sshAuthorizedKeys = List.copyOf(sshAuthorizedKeys);
        }

        /** An administrator as Proxmox's generated user-data makes one: sudo without password, bash. */
        public static User admin(String name, List<String> sshKeys, String passwordHash) {
            return new User(name, List.of(), "ALL=(ALL) NOPASSWD:ALL", "/bin/bash", passwordHash, sshKeys);
        }

        /** cloud-init's {@code default} user. */
        public static User defaultUser() {
            return new User("default", List.of(), null, null, null, List.of());
        }

        boolean isDefault() {
            return name.equals("default") && sudo == null && shell == null && passwordHash == null && sshAuthorizedKeys.isEmpty();
        }

        @Override
        public String toString() {
            return "User{" + name + ", groups=" + groups + (passwordHash == null ? "" : ", password=<redacted>")
                    + ", sshKeys=" + sshAuthorizedKeys.size() + "}";
        }
    }

    /**
     * An apt source ({@code apt: sources:}, cloud-init {@code cc_apt_configure}): a {@code deb} line,
     * where {@code $RELEASE} and {@code $KEY_FILE} are replaced by cloud-init, and the signing key by
     * fingerprint ({@code keyid}, fetched from the keyserver) or inline ({@code key}).
     */
    public record AptSource(String source, String keyid, String key) {
        public AptSource {
            Objects.requireNonNull(source, "source");
        }
    }

    /** A file cloud-init writes ({@code write_files:}). */
    public record WriteFile(String path, String content, String permissions, String owner) {
        public WriteFile {
            Objects.requireNonNull(path, "path");
            Objects.requireNonNull(content, "content");
        }
    }

    // ---- builder -------------------------------------------------------------------------

    public static final class Builder {
        private String hostname;
        private String fqdn;
        private Boolean manageEtcHosts;
        private final Map<String, User> users = new LinkedHashMap<>();
        private Boolean packageUpdate;
        private Boolean packageUpgrade;
        private final Map<String, AptSource> aptSources = new LinkedHashMap<>();
        private final Set<String> packages = new LinkedHashSet<>();
        private final List<WriteFile> writeFiles = new ArrayList<>();
        private final List<List<String>> mounts = new ArrayList<>();
        private final List<List<String>> runcmd = new ArrayList<>();

        private Builder() {
        }

        public Builder hostname(String value) {
            this.hostname = value;
            return this;
        }

        public Builder fqdn(String value) {
            this.fqdn = value;
            return this;
        }

        public Builder manageEtcHosts(boolean value) {
            this.manageEtcHosts = value;
            return this;
        }

        /** Adds or replaces (by name) a user. */
        public Builder user(User value) {
            users.put(value.name(), value);
            return this;
        }

        public Builder packageUpdate(boolean value) {
            this.packageUpdate = value;
            return this;
        }

        public Builder packageUpgrade(boolean value) {
            this.packageUpgrade = value;
            return this;
        }

        public Builder aptSource(String name, AptSource source) {
            aptSources.put(name, source);
            return this;
        }

        public Builder packages(String... names) {
            for (String n : names) {
                packages.add(Objects.requireNonNull(n, "package"));
            }
            return this;
        }

        public Builder writeFile(WriteFile file) {
            writeFiles.add(file);
            return this;
        }

        /** An {@code fstab}-style mount entry (cloud-init {@code cc_mounts}): spec, mount point, type, options, dump, pass. */
        public Builder mount(String... fields) {
            mounts.add(List.of(fields));
            return this;
        }

        /** A command, as argv (run without a shell). */
        public Builder runcmd(String... argv) {
            if (argv.length == 0) {
                throw new IllegalArgumentException("runcmd needs a command");
            }
            runcmd.add(List.of(argv));
            return this;
        }

        /**
         * Merges {@code other} in: its scalars win where set; users by name; apt sources by name;
         * packages unite; files, mounts and commands append (skipping exact repeats, so two features
         * asking for the same command run it once).
         */
        public Builder merge(CloudConfig other) {
            if (other.hostname != null) {
                hostname = other.hostname;
            }
            if (other.fqdn != null) {
                fqdn = other.fqdn;
            }
            if (other.manageEtcHosts != null) {
                manageEtcHosts = other.manageEtcHosts;
            }
            other.users.forEach(this::user);
            if (other.packageUpdate != null) {
                packageUpdate = other.packageUpdate;
            }
            if (other.packageUpgrade != null) {
                packageUpgrade = other.packageUpgrade;
            }
            aptSources.putAll(other.aptSources);
            packages.addAll(other.packages);
            other.writeFiles.stream().filter(f -> !writeFiles.contains(f)).forEach(writeFiles::add);
            other.mounts.stream().filter(m -> !mounts.contains(m)).forEach(mounts::add);
            other.runcmd.stream().filter(c -> !runcmd.contains(c)).forEach(runcmd::add);
            return this;
        }

        public CloudConfig build() {
            return new CloudConfig(this);
        }
    }
}
