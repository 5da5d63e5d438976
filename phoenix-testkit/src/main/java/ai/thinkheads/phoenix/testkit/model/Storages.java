package ai.thinkheads.phoenix.testkit.model;

import ai.thinkheads.phoenix.config.DiskSize;
import ai.thinkheads.phoenix.config.PropertyString;
import ai.thinkheads.phoenix.hypervisor.ConflictException;
import ai.thinkheads.phoenix.hypervisor.HypervisorException;
import ai.thinkheads.phoenix.hypervisor.NotFoundException;
import ai.thinkheads.phoenix.hypervisor.ParameterRejectedException;
import ai.thinkheads.phoenix.hypervisor.StorageInfo;
import ai.thinkheads.phoenix.hypervisor.Upid;
import ai.thinkheads.phoenix.testkit.model.TaskEngine.TaskError;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The cluster's storages and their volumes: each storage is one pool (shared) or one pool per
 * node that sees it (local), holding volume sizes and the bytes of file volumes (snippets, ISO
 * images, import images, templates). It answers the storage reads, writes and deletes files as
 * pve-storage's handlers and a shell on the node do, allocates space for disks and checks a
 * starting VM's {@code cicustom} snippets. Not thread-safe: {@link PveCluster}'s monitor guards it.
 */
final class Storages {

    /** PVE::Storage::parse_volume_id: {@code m/^($PVE::JSONSchema::PVE_STORAGE_ID_RE):(.+)$/i}, storage ids are case-insensitive. */
    static final Pattern VOLID = Pattern.compile("^([a-z][a-z0-9\\-_.]*[a-z0-9]):(.+)$", Pattern.CASE_INSENSITIVE);
    /** A volume name a VM owns: {@code vm-<vmid>-disk-<n>}, {@code base-<vmid>-disk-<n>}, {@code vm-<vmid>-cloudinit}. */
    static final Pattern OWNED = Pattern.compile("(?:^|/)(vm|base)-(\\d+)-(disk-(\\d+)|cloudinit)(\\.[a-z0-9]+)?$");

    final List<Pool> pools = new ArrayList<>();
    private final Inventory inventory;
    private final TaskEngine tasks;
    private final Random random;

    /** Pools for {@code specs} over the inventory's nodes; a storage id may be declared once. */
    Storages(Collection<StorageSpec> specs, Collection<String> nodeNames, Inventory inventory, TaskEngine tasks, Random random) {
        this.inventory = inventory;
        this.tasks = tasks;
        this.random = random;
        for (StorageSpec s : specs) {
            for (String n : s.nodes()) {
                if (!nodeNames.contains(n)) {
                    throw new IllegalArgumentException("storage '" + s.id() + "' names unknown node '" + n + "'");
                }
            }
            if (s.shared()) {
                pools.add(new Pool(s, null));
            } else {
                for (String n : nodeNames) {
                    if (s.visibleOn(n)) {
                        pools.add(new Pool(s, n));
                    }
                }
            }
        }
    }

    /** {@code GET /nodes/{node}/storage}: the storages {@code node} sees, in id order. */
    List<StorageInfo> storageStatus(String node) {
        tasks.settle();
        inventory.requireNode(node);
        List<StorageInfo> out = new ArrayList<>();
        for (Pool p : pools) {
            if (p.visibleOn(node)) {
                long used = p.used();
                out.add(new StorageInfo(node, p.spec.id(), p.spec.type(), p.spec.content(), p.spec.shared(), true,
                        p.spec.capacityBytes(), used, Math.max(0, p.spec.capacityBytes() - used)));
            }
        }
        out.sort((a, b) -> a.storage().compareTo(b.storage()));
        return out;
    }

    /** {@code GET /nodes/{node}/storage/{storage}/content}: volume id → size in bytes. */
    Map<String, Long> storageContent(String node, String storage) {
        tasks.settle();
        inventory.requireNode(node);
        Pool p = pool(node, storage).orElseThrow(() -> new NotFoundException(
                "storage '" + storage + "' does not exist", node, null));
        Map<String, Long> out = new TreeMap<>();
        p.volumes.forEach((name, size) -> out.put(storage + ":" + name, size));
        return out;
    }

    /** The file content types pve-storage keeps as files under a path ({@code $vtype_subdirs}). */
    private static final Set<String> FILE_CONTENT = Set.of("iso", "snippets", "import", "vztmpl");

    /**
     * {@code GET /storage/{storage}} (pve-storage {@code PVE::API2::Storage::Config} read): the
     * storage's declaration. Throws {@link NotFoundException} {@code storage 'x' does not exist}.
     */
    StorageSpec storageConfig(String storage) {
        for (Pool p : pools) {
            if (p.spec.id().equals(storage)) {
                return p.spec;
            }
        }
        // PVE::Storage::storage_config
        throw new NotFoundException("storage '" + storage + "' does not exist", null, null);
    }

    /**
     * {@code GET /nodes/{node}/storage/{storage}/content?content=...} for the file content types
     * ({@code null}: all of them): the files of each type the storage allows, sorted by volume id
     * (pve-storage {@code PVE::Storage::volume_list}: types the storage does not hold list nothing).
     */
    List<PveCluster.FileVolume> fileVolumes(String node, String storage, String content) {
        tasks.settle();
        Pool pl = storagePool(node, storage);
        List<PveCluster.FileVolume> out = new ArrayList<>();
        for (String type : new TreeSet<>(FILE_CONTENT)) {
            if ((content != null && !content.equals(type)) || !pl.spec.holds(type)) {
                continue;
            }
            String prefix = type + "/";
            for (Map.Entry<String, Long> v : pl.volumes.entrySet()) {
                String name = v.getKey();
                if (name.startsWith(prefix) && name.indexOf('/', prefix.length()) < 0) {
                    ai.thinkheads.phoenix.hypervisor.StorageContent.fromWord(type).ifPresent(c -> out.add(new PveCluster.FileVolume(
                            storage + ":" + name, type, c.formatOf(name.substring(prefix.length())), v.getValue())));
                }
            }
        }
        out.sort((a, b) -> a.volid().toLowerCase(Locale.ROOT).compareTo(b.volid().toLowerCase(Locale.ROOT)));
        return out;
    }

    /**
     * The bytes of a file volume ({@code local:snippets/user.yaml}, {@code local:iso/seed.iso})
     * as {@code node} sees it; empty when there is no such volume or it holds no file content
     * (a disk image).
     */
    Optional<byte[]> volumeContent(String node, String volid) {
        tasks.settle();
        if (!inventory.hasNode(node)) {
            return Optional.empty();
        }
        return resolveVolume(node, volid).map(v -> v.pool().contents.get(v.name())).map(byte[]::clone);
    }

    /**
     * {@code POST /nodes/{node}/storage/{storage}/upload} (pve-storage {@code PVE/API2/Storage/Status.pm}
     * upload), after pveproxy has stored the file part: checks in the handler's order and with its
     * words, then forks an {@code imgcopy} worker that copies the file into place (replacing a file
     * of that name) when it ends. {@code filename} is normalized as Proxmox does
     * ({@code normalize_content_filename}).
     */
    Upid uploadVolume(String node, String storage, String content, String filename, byte[] data) {
        tasks.settle();
        inventory.requireNode(node);
        Pool pl = enabledPool(node, storage);
        if (pl.spec.path() == null) {
            throw new HypervisorException("can't upload to storage type '" + pl.spec.type() + "'", node, null);
        }
        String name = ai.thinkheads.phoenix.hypervisor.StorageContent.normalizeFilename(filename);
        ai.thinkheads.phoenix.hypervisor.StorageContent type = switch (content) {
            case "iso", "vztmpl", "import" -> ai.thinkheads.phoenix.hypervisor.StorageContent.fromWord(content).orElseThrow();
            default -> throw new ParameterRejectedException(node, null,
                    Map.of("content", "upload content type '" + content + "' not allowed"));
        };
        Map<String, String> errors = type.filenameErrors(name);
        if (!errors.isEmpty()) {
            throw new ParameterRejectedException(node, null, errors);
        }
        requireContent(pl, node, content);
        byte[] copy = data.clone();
        String volname = type.volname(name);
        String dest = pl.spec.directoryFor(content).orElseThrow() + "/" + name;
        String tmp = "/var/tmp/pveupload-" + Long.toHexString(random.nextLong() & Long.MAX_VALUE);
        return tasks.startTask("imgcopy", node, "", 0, Set.of(), Set.of(), Duration.ofSeconds(1), null, ctx -> {
            ctx.log("starting file import from: " + tmp);
            ctx.log("target node: " + node);
            ctx.log("target file: " + dest);
            ctx.log("file size is: " + copy.length);
            ctx.log("command: cp -- " + tmp + " " + dest);
            long growth = copy.length - pl.volumes.getOrDefault(volname, 0L);
            if (pl.used() + growth > pl.spec.capacityBytes()) {
                throw new TaskError("import failed: cp: error writing '" + dest + "': No space left on device");
            }
            ctx.onEnd(() -> {
                putFile(pl, volname, copy);
                ctx.log("finished file import successfully");
            });
        }, null);
    }

    /**
     * Writes a file volume at once, as a shell on the node would ({@code cat > <path>/snippets/x}):
     * the storage must exist on {@code node}, allow {@code content} ({@code storage 'x' does not
     * support 'snippets' content}, the words of pve-storage's upload handler) and have room.
     * Replaces a file of that name. Returns the volume id.
     */
    String writeVolume(String node, String storage, String content, String filename, byte[] data) {
        tasks.settle();
        inventory.requireNode(node);
        Pool pl = enabledPool(node, storage);
        ai.thinkheads.phoenix.hypervisor.StorageContent type = ai.thinkheads.phoenix.hypervisor.StorageContent.fromWord(content)
                .orElseThrow(() -> new ParameterRejectedException(node, null,
                        Map.of("content", "content type '" + content + "' is not a file type")));
        Map<String, String> errors = type.filenameErrors(filename);
        if (!errors.isEmpty()) {
            throw new ParameterRejectedException(node, null, errors);
        }
        requireContent(pl, node, content);
        String volname = type.volname(filename);
        long growth = data.length - pl.volumes.getOrDefault(volname, 0L);
        if (pl.used() + growth > pl.spec.capacityBytes()) {
            throw new ConflictException(notEnoughSpace(pl, growth), node, null);
        }
        putFile(pl, volname, data.clone());
        return type.volid(storage, filename);
    }

    /**
     * Writes the file at absolute {@code path} on {@code node}, as {@code cat > path} does: the
     * path must be a file directly in a content directory of a path-based storage {@code node}
     * sees ({@code /var/lib/vz/snippets/user.yaml} is {@code local:snippets/user.yaml}). A shell does
     * not read {@code storage.cfg}, so the storage need not allow that content type (the file is
     * then just not listed). Returns the volume id; throws {@link NotFoundException} (with the
     * shell's {@code No such file or directory}) for any other path.
     */
    String writeFile(String node, String path, byte[] data) {
        tasks.settle();
        inventory.requireNode(node);
        for (Pool pl : pools) {
            if (!pl.visibleOn(node)) {
                continue;
            }
            for (String type : FILE_CONTENT) {
                Optional<String> dir = pl.spec.directoryFor(type);
                if (dir.isEmpty() || !path.startsWith(dir.get() + "/")) {
                    continue;
                }
                String name = path.substring(dir.get().length() + 1);
                if (name.isEmpty() || name.contains("/") || name.equals(".") || name.equals("..")) {
                    continue;
                }
                String volname = type + "/" + name;
                long growth = data.length - pl.volumes.getOrDefault(volname, 0L);
                if (pl.used() + growth > pl.spec.capacityBytes()) {
                    throw new ConflictException(path + ": No space left on device", node, null);
                }
                putFile(pl, volname, data.clone());
                return pl.spec.id() + ":" + volname;
            }
        }
        throw new NotFoundException(path + ": No such file or directory", node, null);
    }

    /** The absolute path of a file volume on its storage ({@code pvesm path}); empty if the storage has none. */
    Optional<String> filePath(String volid) {
        Matcher m = VOLID.matcher(volid == null ? "" : volid);
        if (!m.matches()) {
            return Optional.empty();
        }
        StorageSpec spec = storageConfig(m.group(1));
        String volname = m.group(2);
        int slash = volname.indexOf('/');
        if (slash < 0) {
            return Optional.empty();
        }
        return spec.directoryFor(volname.substring(0, slash)).map(d -> d + volname.substring(slash));
    }

    /**
     * {@code DELETE /nodes/{node}/storage/{storage}/content/{volume}} (pve-storage
     * {@code PVE/API2/Storage/Content.pm} delete): forks an {@code imgdel} worker
     * ({@code PVE::Storage::vdisk_free}). A volume that is not there only warns, as the dir plugin's
     * {@code free_image} does ({@code disk image '<path>' does not exist}).
     */
    Upid deleteVolume(String node, String volid) {
        tasks.settle();
        inventory.requireNode(node);
        Matcher m = VOLID.matcher(volid == null ? "" : volid);
        if (!m.matches()) {
            // PVE::Storage::parse_volume_id
            throw new HypervisorException("unable to parse volume ID '" + volid + "'", node, null);
        }
        String storage = m.group(1);
        String volname = m.group(2);
        Pool pl = enabledPool(node, storage);
        if (pl.spec.path() != null && !volname.matches("(iso|snippets|import|vztmpl)/[^/]+|images/\\d+/[^/]+|\\d+/[^/]+")) {
            throw new HypervisorException("unable to parse directory volume name '" + volname + "'", node, null);
        }
        String path = filePath(volid).orElse(volid);
        return tasks.startTask("imgdel", node, storage, 0, Set.of(), Set.of(), Duration.ofSeconds(1), null, ctx -> {
            if (!pl.volumes.containsKey(volname)) {
                ctx.warn("disk image '" + path + "' does not exist");
            } else {
                pl.volumes.remove(volname);
                pl.contents.remove(volname);
            }
            ctx.log("Removed volume '" + volid + "'");
        }, null);
    }

    private void putFile(Pool pl, String volname, byte[] data) {
        pl.volumes.put(volname, (long) data.length);
        pl.contents.put(volname, data);
    }

    /** PVE::Storage::storage_check_enabled: the storage exists and {@code node} may use it. */
    private Pool enabledPool(String node, String storage) {
        StorageSpec spec = storageConfig(storage);
        return pool(node, storage).orElseThrow(() -> new NotFoundException(
                "storage '" + spec.id() + "' is not available on node '" + node + "'", node, null));
    }

    private Pool storagePool(String node, String storage) {
        inventory.requireNode(node);
        return pool(node, storage).orElseThrow(() -> new NotFoundException(
                "storage '" + storage + "' does not exist", node, null));
    }

    private static void requireContent(Pool pl, String node, String content) {
        if (!pl.spec.holds(content)) {
            // pve-storage PVE/API2/Storage/Status.pm upload
            throw new ConflictException("storage '" + pl.spec.id() + "' does not support '" + content + "' content",
                    node, null);
        }
    }

    /**
     * qemu-server {@code PVE::QemuServer::Cloudinit::get_custom_cloudinit_files}, run when a VM
     * with a cloud-init drive starts: each {@code cicustom} volume must be a snippet
     * ({@code read_cloudinit_snippets_file}: {@code <volid> is not in the snippets directory}) and
     * exist ({@code PVE::Storage::abs_filesystem_path}: {@code can't find file '<volid>'}).
     */
    void checkCicustom(String node, Map<String, String> conf) {
        String cicustom = conf.get("cicustom");
        boolean hasCloudinitDrive = conf.entrySet().stream().anyMatch(e -> ConfigSchema.isDrive(e.getKey())
                && Drives.isCloudinit(PropertyString.parse(e.getValue(), "file").get("file").orElse("")));
        if (cicustom == null || !hasCloudinitDrive) {
            return;
        }
        PropertyString files = PropertyString.parse(cicustom);
        for (String key : List.of("network", "user", "meta", "vendor")) {
            Optional<String> volid = files.get(key);
            if (volid.isEmpty()) {
                continue;
            }
            Matcher m = VOLID.matcher(volid.get());
            if (!m.matches() || !m.group(2).startsWith("snippets/")) {
                throw new TaskError(volid.get() + " is not in the snippets directory");
            }
            if (resolveVolume(node, volid.get()).isEmpty()) {
                throw new TaskError("can't find file '" + volid.get() + "'");
            }
        }
    }

    /**
     * Puts a volume on a storage, as an upload or an out-of-band {@code pvesm alloc} would: an
     * image to import from ({@code import/debian-12.qcow2}, {@code iso/x.iso}) or a stray disk.
     * Returns its volume id.
     */
    String addVolume(String node, String storage, String volname, long sizeBytes) {
        tasks.settle();
        inventory.requireNode(node);
        Pool pl = pool(node, storage).orElseThrow(() -> new NotFoundException("storage '" + storage + "' does not exist", node, null));
        if (sizeBytes <= 0) {
            throw new IllegalArgumentException("size must be positive");
        }
        if (pl.used() + sizeBytes > pl.spec.capacityBytes()) {
            throw new ConflictException(notEnoughSpace(pl, sizeBytes), node, null);
        }
        pl.volumes.put(volname, sizeBytes);
        return storage + ":" + volname;
    }

    record Volume(Pool pool, String name, long size) {
        boolean isBase() {
            Matcher m = OWNED.matcher(name);
            return m.find() && m.group(1).equals("base");
        }
    }

    static final class Pool {
        final StorageSpec spec;
        final String node;
        final TreeMap<String, Long> volumes = new TreeMap<>();
        /** The bytes of file volumes (snippets, ISO images, import images, templates) by volume name. */
        final Map<String, byte[]> contents = new HashMap<>();

        Pool(StorageSpec spec, String node) {
            this.spec = spec;
            this.node = node;
        }

        boolean visibleOn(String n) {
            return node == null ? spec.visibleOn(n) : node.equals(n);
        }

        long used() {
            long sum = 0;
            for (long s : volumes.values()) {
                sum += s;
            }
            return sum;
        }
    }

    Optional<Pool> pool(String node, String storage) {
        for (Pool p : pools) {
            if (p.spec.id().equals(storage) && p.visibleOn(node)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    Optional<Volume> resolveVolume(String node, String volid) {
        Matcher m = VOLID.matcher(volid == null ? "" : volid);
        if (!m.matches()) {
            return Optional.empty();
        }
        return pool(node, m.group(1)).flatMap(p -> {
            Long size = p.volumes.get(m.group(2));
            return size == null ? Optional.empty() : Optional.of(new Volume(p, m.group(2), size));
        });
    }

    static String notEnoughSpace(Pool pl, long size) {
        // the storage plugin's words differ (lvcreate, zfs, qemu-img); this one names the facts
        return "unable to allocate " + new DiskSize(size).human() + " on storage '" + pl.spec.id()
                + "' - not enough free space (" + Math.max(0, pl.spec.capacityBytes() - pl.used()) + " bytes free)";
    }

    void allocate(Pool pl, String name, long size, List<String[]> allocated) {
        if (pl.used() + size > pl.spec.capacityBytes()) {
            throw new TaskError(notEnoughSpace(pl, size));
        }
        pl.volumes.put(name, size);
        allocated.add(new String[] {pl.spec.id(), name});
    }
}
