package ai.thinkheads.phoenix.spec;

import ai.thinkheads.phoenix.config.DriveBus;
import ai.thinkheads.phoenix.config.IpConfig;
import ai.thinkheads.phoenix.config.NameserverList;
import ai.thinkheads.phoenix.config.SshKeys;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The cloud-init part of a {@link VmSpec}: user, SSH keys, password <em>hash</em>, per-NIC IP
 * configuration, DNS, custom user-data, and where the cloud-init drive goes.
 *
 * <pre>{@code
 * CloudInit.builder("local-lvm")
 *     .user("ubuntu")
 *     .sshKey("ssh-ed25519 AAAAC3Nza... me@laptop")
 *     .ipconfig(0, IpConfig.staticV4("10.0.0.5/24", "10.0.0.1"))
 *     .nameservers("10.0.0.1")
 *     .build();
 * }</pre>
 *
 * <p>The password is a secret: only a crypt(3) hash is accepted, never a plaintext, and
 * {@link #toString()} prints {@code <redacted>}. Custom user-data ({@link Builder#userData}) is a
 * document; Proxmox only takes it as a snippet volume ({@code cicustom: user=...}), so it needs a
 * {@link Builder#snippetStorage snippet storage} — see {@link ProxmoxConfigMapping}.
 */
public final class CloudInit {

    // qemu-server API2/Qemu.pm update_vm_api: a cipassword that matches this is stored as is
    // (any other value would be hashed by Proxmox as if it were a plaintext)
    private static final Pattern PASSWORD_HASH = Pattern.compile("^\\$(?:[156]|2[ay])(\\$.+){2}");
    private static final Pattern USER = Pattern.compile("^[a-z_][a-z0-9_-]{0,31}$");

    private final String storage;
    private final String slot;
    private final String user;
    private final List<String> sshKeys;
    private final String passwordHash;
    private final SortedMap<Integer, IpConfig> ipConfigs;
    private final List<String> nameservers;
    private final String searchDomain;
    private final String userData;
    private final String snippetStorage;
    private final String noCloudIso;

    private CloudInit(Builder b) {
        storage = b.storage;
        slot = b.slot;
        user = b.user;
        sshKeys = List.copyOf(b.sshKeys);
        passwordHash = b.passwordHash;
        ipConfigs = Collections.unmodifiableSortedMap(new TreeMap<>(b.ipConfigs));
        nameservers = List.copyOf(b.nameservers);
        searchDomain = b.searchDomain;
        userData = b.userData;
        snippetStorage = b.snippetStorage;
        noCloudIso = b.noCloudIso;
    }

    /** Cloud-init with its drive on {@code storage}, slot {@code ide2}. */
    public static Builder builder(String storage) {
        return new Builder(storage);
    }

    public Builder toBuilder() {
        Builder b = new Builder(storage);
        b.slot = slot;
        b.user = user;
        b.sshKeys.addAll(sshKeys);
        b.passwordHash = passwordHash;
        b.ipConfigs.putAll(ipConfigs);
        b.nameservers.addAll(nameservers);
        b.searchDomain = searchDomain;
        b.userData = userData;
        b.snippetStorage = snippetStorage;
        b.noCloudIso = noCloudIso;
        return b;
    }

    /** Storage for the cloud-init drive. */
    public String storage() {
        return storage;
    }

    /** The cloud-init drive's config key, {@code ide2} unless changed. */
    public String slot() {
        return slot;
    }

    public Optional<String> user() {
        return Optional.ofNullable(user);
    }

    public List<String> sshKeys() {
        return sshKeys;
    }

    /** The crypt(3) password hash. A secret: never logged by Phoenix. */
    public Optional<String> passwordHash() {
        return Optional.ofNullable(passwordHash);
    }

    /** NIC index → IP configuration. */
    public SortedMap<Integer, IpConfig> ipConfigs() {
        return ipConfigs;
    }

    public List<String> nameservers() {
        return nameservers;
    }

    public Optional<String> searchDomain() {
        return Optional.ofNullable(searchDomain);
    }

    /** Custom user-data document, replacing the one Proxmox generates. */
    public Optional<String> userData() {
        return Optional.ofNullable(userData);
    }

    /** Storage (with content type {@code snippets}) the user-data snippet is written to. */
    public Optional<String> snippetStorage() {
        return Optional.ofNullable(snippetStorage);
    }

    /**
     * A NoCloud ISO volume ({@code <storage>:iso/<name>.iso}, labelled {@code cidata}) that the
     * cloud-init slot holds as a CD-ROM instead of Proxmox's cloud-init drive; the VM then gets its
     * user-data, meta-data and network config from that ISO alone.
     */
    public Optional<String> noCloudIso() {
        return Optional.ofNullable(noCloudIso);
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof CloudInit)) {
            return false;
        }
        CloudInit c = (CloudInit) o;
        return storage.equals(c.storage) && slot.equals(c.slot) && Objects.equals(user, c.user)
                && sshKeys.equals(c.sshKeys) && Objects.equals(passwordHash, c.passwordHash)
                && ipConfigs.equals(c.ipConfigs) && nameservers.equals(c.nameservers)
                && Objects.equals(searchDomain, c.searchDomain) && Objects.equals(userData, c.userData)
                && Objects.equals(snippetStorage, c.snippetStorage) && Objects.equals(noCloudIso, c.noCloudIso);
    }

    @Override
    public int hashCode() {
        return Objects.hash(storage, slot, user, sshKeys, passwordHash, ipConfigs, nameservers, searchDomain, userData,
                snippetStorage, noCloudIso);
    }

    /** Readable, with the password hash shown as {@code <redacted>}. */
    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("CloudInit{drive=").append(slot).append('@').append(storage);
        if (user != null) {
            sb.append(", user=").append(user);
        }
        if (!sshKeys.isEmpty()) {
            sb.append(", sshKeys=").append(sshKeys.size());
        }
        if (passwordHash != null) {
            sb.append(", passwordHash=<redacted>");
        }
        if (!ipConfigs.isEmpty()) {
            sb.append(", ipconfig=").append(ipConfigs);
        }
        if (!nameservers.isEmpty()) {
            sb.append(", nameservers=").append(nameservers);
        }
        if (searchDomain != null) {
            sb.append(", searchDomain=").append(searchDomain);
        }
        if (userData != null) {
            sb.append(", userData=").append(userData.length()).append(" chars@").append(snippetStorage);
        }
        return sb.append('}').toString();
    }

    /** Builds a {@link CloudInit}; every method validates its argument ({@link InvalidValueException}). */
    public static final class Builder {
        private final String storage;
        private String slot = "ide2";
        private String user;
        private final List<String> sshKeys = new ArrayList<>();
        private String passwordHash;
        private final SortedMap<Integer, IpConfig> ipConfigs = new TreeMap<>();
        private final List<String> nameservers = new ArrayList<>();
        private String searchDomain;
        private String userData;
        private String snippetStorage;
        private String noCloudIso;

        private Builder(String storage) {
            this.storage = SpecChecks.storage("cloudInit.storage", storage);
        }

        /** Put the cloud-init drive on {@code bus}/{@code index} (not virtio: it is a CD-ROM). */
        public Builder slot(DriveBus bus, int index) {
            SpecChecks.notNull("cloudInit.slot", bus);
            if (bus == DriveBus.VIRTIO) {
                // Drive.pm parse_drive: media=cdrom is refused on virtio
                throw new InvalidValueException("cloudInit.slot", "virtio cannot hold a CD-ROM; use ide, sata or scsi");
            }
            SpecChecks.range("cloudInit.slot", index, 0, bus.maxIndex());
            this.slot = bus.prefix() + index;
            return this;
        }

        public Builder user(String name) {
            if (name == null || !USER.matcher(name).matches()) {
                throw new InvalidValueException("cloudInit.user", "'" + name + "' is not a valid user name");
            }
            this.user = name;
            return this;
        }

        /** Adds one OpenSSH public key line. */
        public Builder sshKey(String publicKey) {
            if (!SshKeys.isPublicKey(publicKey)) {
                throw new InvalidValueException("cloudInit.sshKeys[" + sshKeys.size() + "]",
                        "not an OpenSSH public key line (type base64 [comment])");
            }
            if (!sshKeys.contains(publicKey)) {
                sshKeys.add(publicKey);
            }
            return this;
        }

        /** A crypt(3) hash ({@code $6$salt$...}, {@code $5$}, {@code $1$}, {@code $2a$}/{@code $2y$}); never a plaintext. */
        public Builder passwordHash(String hash) {
            if (hash == null || !PASSWORD_HASH.matcher(hash).find() || hash.contains(",") || hash.contains("\n")) {
                // the value itself is not echoed: it may be a plaintext password by mistake
                throw new InvalidValueException("cloudInit.passwordHash",
                        "<redacted> is not a crypt(3) hash ($6$..., $5$..., $2y$..., $1$...); a plaintext password is not accepted");
            }
            this.passwordHash = hash;
            return this;
        }

        /** IP configuration of NIC {@code nicIndex} ({@code ipconfig<n>}). */
        public Builder ipconfig(int nicIndex, IpConfig config) {
            SpecChecks.range("cloudInit.ipconfig.index", nicIndex, 0, 31);
            ipConfigs.put(nicIndex, SpecChecks.notNull("cloudInit.ipconfig[" + nicIndex + "]", config));
            return this;
        }

        public Builder nameservers(String... addresses) {
            List<String> list = new ArrayList<>();
            for (String a : addresses) {
                if (!NameserverList.isAddress(a)) {
                    throw new InvalidValueException("cloudInit.nameservers", "'" + a + "' is not an IP address");
                }
                list.add(a);
            }
            nameservers.clear();
            nameservers.addAll(list);
            return this;
        }

        public Builder searchDomain(String domain) {
            this.searchDomain = SpecChecks.dnsName("cloudInit.searchDomain", domain);
            return this;
        }

        /** Custom user-data (a {@code #cloud-config} document); needs {@link #snippetStorage}. */
        public Builder userData(String document) {
            if (document == null || document.isBlank()) {
                throw new InvalidValueException("cloudInit.userData", "must not be blank");
            }
            this.userData = document;
            return this;
        }

        /** Storage with content type {@code snippets} to hold the user-data document. */
        public Builder snippetStorage(String storageId) {
            this.snippetStorage = SpecChecks.storage("cloudInit.snippetStorage", storageId);
            return this;
        }

        /** Deliver cloud-init as this NoCloud ISO volume ({@code <storage>:iso/<name>.iso}) instead of Proxmox's drive. */
        public Builder noCloudIso(String volid) {
            if (volid == null || !volid.matches("^[A-Za-z][A-Za-z0-9\\-_.]*[A-Za-z0-9]:iso/[^/]+\\.iso$")) {
                throw new InvalidValueException("cloudInit.noCloudIso", "'" + volid + "' is not an ISO volume (<storage>:iso/<name>.iso)");
            }
            this.noCloudIso = volid;
            return this;
        }

        public CloudInit build() {
            return new CloudInit(this);
        }
    }
}
