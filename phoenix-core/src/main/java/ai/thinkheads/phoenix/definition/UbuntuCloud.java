package ai.thinkheads.phoenix.definition;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.IpConfig;
import ai.thinkheads.phoenix.spec.CloudInit;
import ai.thinkheads.phoenix.spec.Disk;
import ai.thinkheads.phoenix.spec.Nic;
import ai.thinkheads.phoenix.spec.Source;
import ai.thinkheads.phoenix.spec.VmSpec;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The seed's first milestone as definitions: a template from the Ubuntu 24.04 ("noble") cloud image,
 * and VMs cloned from it with features applied.
 *
 * <pre>{@code
 * VmDefinition template = UbuntuCloud.template("ubuntu-2404", 9000)
 *     .image("local:import/noble-server-cloudimg-amd64.img")
 *     .storage("local-lvm").bridge("vmbr0")
 *     .build();
 * VmDefinition docker = UbuntuCloud.clone("docker-01", 9000)
 *     .diskSize(DiskSize.ofGiB(32))
 *     .address(IpConfig.staticV4("10.0.0.21/24", "10.0.0.1")).nameservers("10.0.0.1")
 *     .user("ops").sshKey("ssh-ed25519 AAAA... me@laptop")
 *     .features("docker")
 *     .snapshots("before-docker", "after-docker")
 *     .build();
 * phoenix.apply(phoenix.plan(List.of(template, docker)));
 * }</pre>
 *
 * <p>The template is what an operator sets up by hand for cloud images: the image imported into
 * {@code scsi0} ({@code import-from}) on {@code virtio-scsi-pci}, a serial console ({@code serial0:
 * socket}, {@code vga: serial0}: the cloud image's kernel talks to ttyS0), a cloud-init drive, the
 * guest agent on, boot from {@code scsi0}; it is created as a template and never booted, so every
 * clone's first boot runs cloud-init as a fresh instance. It carries the {@code qemu-guest-agent}
 * feature: the stock image has no agent, and its clones get it through their own user-data.
 *
 * <p>A clone is linked by default (it needs the template; {@link CloneBuilder#full} copies the
 * disk instead), grows its disk to the declared size, gets its own cloud-init user, keys, address
 * and DNS, starts, and waits for its guest agent, its address and cloud-init before its features'
 * guest steps run.
 */
public final class UbuntuCloud {

    /** The image file Canonical publishes for Ubuntu 24.04 on amd64. */
    public static final String IMAGE_FILE = "noble-server-cloudimg-amd64.img";
    /** Where an image uploaded as {@code import} content lives on Proxmox's default dir storage. */
    public static final String DEFAULT_IMAGE = "local:import/" + IMAGE_FILE;

    private UbuntuCloud() {
    }

    public static TemplateBuilder template(String name, int vmid) {
        return new TemplateBuilder(name, vmid);
    }

    public static CloneBuilder clone(String name, int templateVmid) {
        return new CloneBuilder(name, templateVmid);
    }

    /** What templates and clones share: placement, size, the cloud-init user, features. */
    @SuppressWarnings("unchecked")
    public abstract static class Common<B extends Common<B>> {
        final String name;
        Integer vmid;
        String node;
        String storage = "local-lvm";
        String bridge = "vmbr0";
        int cores = 2;
        int memoryMiB = 2048;
        DiskSize diskSize;
        String user;
        final List<String> sshKeys = new ArrayList<>();
        String passwordHash;
        IpConfig address = IpConfig.dhcp();
        final List<String> nameservers = new ArrayList<>();
        String searchDomain;
        final Map<String, VmDefinition.Feature> features = new LinkedHashMap<>();
        final List<String> tags = new ArrayList<>();
        final List<String> dependsOn = new ArrayList<>();

        Common(String name) {
            this.name = Objects.requireNonNull(name, "name");
        }

        public B node(String value) {
            node = value;
            return (B) this;
        }

        /** Storage for the disk and the cloud-init drive (default {@code local-lvm}). */
        public B storage(String value) {
            storage = value;
            return (B) this;
        }

        /** Bridge of {@code net0} (default {@code vmbr0}). */
        public B bridge(String value) {
            bridge = value;
            return (B) this;
        }

        public B cores(int value) {
            cores = value;
            return (B) this;
        }

        public B memory(int mib) {
            memoryMiB = mib;
            return (B) this;
        }

        /** The size {@code scsi0} is grown to (the cloud image itself is about 3.5 GiB). */
        public B diskSize(DiskSize value) {
            diskSize = value;
            return (B) this;
        }

        /** The cloud-init user (default: the image's {@code ubuntu}). */
        public B user(String value) {
            user = value;
            return (B) this;
        }

        public B sshKey(String value) {
            sshKeys.add(value);
            return (B) this;
        }

        /** A crypt(3) password hash for the user; a secret. */
        public B passwordHash(String value) {
            passwordHash = value;
            return (B) this;
        }

        /** {@code ipconfig0}: DHCP (the default) or static. */
        public B address(IpConfig value) {
            address = Objects.requireNonNull(value, "address");
            return (B) this;
        }

        public B nameservers(String... values) {
            nameservers.addAll(List.of(values));
            return (B) this;
        }

        public B searchDomain(String value) {
            searchDomain = value;
            return (B) this;
        }

        /** Features by name, without parameters, in order. */
        public B features(String... names) {
            for (String n : names) {
                features.put(n, VmDefinition.Feature.named(n));
            }
            return (B) this;
        }

        /** A feature with its parameters (raw JSON text per key). */
        public B feature(VmDefinition.Feature value) {
            features.put(value.name(), value);
            return (B) this;
        }

        public B tags(String... values) {
            tags.addAll(List.of(values));
            return (B) this;
        }

        public B dependsOn(String... names) {
            dependsOn.addAll(List.of(names));
            return (B) this;
        }

        VmSpec.Builder base(Source source) {
            // the template's controller, declared on clones too (a clone that left it to VmSpec's default would change it)
            VmSpec.Builder b = VmSpec.builder(name).source(source).cores(cores).memory(memoryMiB).scsihw("virtio-scsi-pci")
                    .nic(Nic.virtio(0, bridge))
                    .agent(true);
            if (diskSize != null || !(source instanceof Source.CloneTemplate)) {
                // the image is imported into scsi0; a clone without a size keeps its template's disk and boot order
                b.disk(Disk.scsi(0, storage, diskSize).withDiscard(true)).bootOrder("scsi0");
            }
            if (vmid != null) {
                b.vmid(vmid);
            }
            if (node != null) {
                b.node(node);
            }
            CloudInit.Builder ci = CloudInit.builder(storage).ipconfig(0, address);
            if (user != null) {
                ci.user(user);
            }
            sshKeys.forEach(ci::sshKey);
            if (passwordHash != null) {
                ci.passwordHash(passwordHash);
            }
            if (!nameservers.isEmpty()) {
                ci.nameservers(nameservers.toArray(String[]::new));
            }
            if (searchDomain != null) {
                ci.searchDomain(searchDomain);
            }
            b.cloudInit(ci.build());
            if (!tags.isEmpty()) {
                b.tags(tags.toArray(String[]::new));
            }
            return b;
        }
    }

    /** Builds the template definition. */
    public static final class TemplateBuilder extends Common<TemplateBuilder> {
        private String image = DEFAULT_IMAGE;

        TemplateBuilder(String name, int vmid) {
            super(name);
            this.vmid = vmid;
            features.put("qemu-guest-agent", VmDefinition.Feature.named("qemu-guest-agent"));
        }

        /** The cloud image: a volume ({@code local:import/...}, {@code local:iso/...}) or an absolute path on the node. */
        public TemplateBuilder image(String value) {
            image = value;
            return this;
        }

        public VmDefinition build() {
            VmSpec spec = base(Source.importImage(image))
                    .option("serial0", "socket").option("vga", "serial0")
                    .template(true).build();
            return new VmDefinition(spec, dependsOn, List.copyOf(features.values()), VmDefinition.SnapshotPolicy.none(), Map.of());
        }
    }

    /** Builds a clone definition. */
    public static final class CloneBuilder extends Common<CloneBuilder> {
        private final int templateVmid;
        private boolean full;
        private String targetStorage;
        private boolean start = true;
        private String beforeFeatures;
        private String afterFeatures;

        CloneBuilder(String name, int templateVmid) {
            super(name);
            this.templateVmid = templateVmid;
        }

        public CloneBuilder vmid(int value) {
            vmid = value;
            return this;
        }

        /** A full clone (its own copy of the disk) instead of a linked one. */
        public CloneBuilder full() {
            full = true;
            return this;
        }

        /** A full clone onto {@code storage}. */
        public CloneBuilder full(String storage) {
            full = true;
            targetStorage = storage;
            return this;
        }

        /** Whether Phoenix starts it (default true: the features' guest steps need a running guest). */
        public CloneBuilder start(boolean value) {
            start = value;
            return this;
        }

        /** Snapshots taken before the first boot and after the features' guest steps (null: none). */
        public CloneBuilder snapshots(String beforeFeatures, String afterFeatures) {
            this.beforeFeatures = beforeFeatures;
            this.afterFeatures = afterFeatures;
            return this;
        }

        public VmDefinition build() {
            Source source = full ? (targetStorage == null ? Source.fullClone(templateVmid) : ((Source.CloneTemplate) Source.fullClone(templateVmid)).toStorage(targetStorage))
                    : Source.linkedClone(templateVmid);
            VmSpec spec = base(source).start(start).build();
            return new VmDefinition(spec, dependsOn, List.copyOf(features.values()),
                    new VmDefinition.SnapshotPolicy(beforeFeatures, afterFeatures, null), Map.of());
        }
    }
}
