package ai.thinkheads.phoenix.testkit.model;

import ai.thinkheads.phoenix.config.PropertyString;
import com.github.stephenc.javaisotools.loopfs.iso9660.Iso9660FileEntry;
import com.github.stephenc.javaisotools.loopfs.iso9660.Iso9660FileSystem;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * How the guest's cloud-init finds its NoCloud seed at boot, in drive order (ide, sata, scsi,
 * virtio; the first CD-ROM that carries one wins):
 * <ul>
 *   <li>Proxmox's cloud-init drive ({@code ideN: <storage>:cloudinit}, volume
 *       {@code vm-<vmid>-cloudinit}): the files qemu-server's
 *       {@code PVE::QemuServer::Cloudinit::generate_nocloud} writes at {@code vm_start} — user-data
 *       from the {@code cicustom user=} snippet, else {@link #proxmoxUserData}; network-config from
 *       {@code cicustom network=}, else {@link #proxmoxNetwork}; meta-data from {@code cicustom meta=},
 *       else {@code instance-id: sha1_hex(user . network)} ({@code nocloud_gen_metadata}).</li>
 *   <li>a CD-ROM ISO ({@code media=cdrom}) whose volume label is {@code cidata} (any case, as
 *       cloud-init's DataSourceNoCloud accepts): user-data, meta-data and network-config read from
 *       the ISO with java-iso-tools' loop-fs (Joliet names when present, else 8.3 names such as
 *       {@code USER_DAT} mapped back).</li>
 * </ul>
 * Volume bytes come from the {@link VolumeReader}; a snippet or ISO it cannot read counts as absent.
 */
final class CloudInitDatasource {

    private CloudInitDatasource() {
    }

    static CloudInitSeed find(int vmid, String node, Map<String, String> conf, VolumeReader reader) {
        for (String bus : List.of("ide", "sata", "scsi", "virtio")) {
            for (int i = 0; i <= ConfigSchema.INDEXED.get(bus); i++) {
                String v = conf.get(bus + i);
                if (v == null) {
                    continue;
                }
                PropertyString d = PropertyString.parse(v, "file");
                if (!"cdrom".equals(d.get("media").orElse(null))) {
                    continue;
                }
                String volid = d.get("file").orElse("");
                if (volid.matches(".*(^|[:/])vm-" + vmid + "-cloudinit(\\.[a-z0-9]+)?$")) {
                    return proxmoxDrive(vmid, node, conf, reader);
                }
                String drive = bus + i;
                Optional<CloudInitSeed> iso = reader.read(node, volid).flatMap(bytes -> readIso(bytes, drive));
                if (iso.isPresent()) {
                    return iso.get();
                }
            }
        }
        return null;
    }

    // ---- Proxmox's drive ----------------------------------------------------------------------

    private static CloudInitSeed proxmoxDrive(int vmid, String node, Map<String, String> conf, VolumeReader reader) {
        // PVE::QemuServer::Cloudinit::get_custom_cloudinit_files
        Map<String, String> custom = new TreeMap<>();
        if (conf.containsKey("cicustom")) {
            PropertyString cc = PropertyString.parse(conf.get("cicustom"));
            for (String k : List.of("user", "network", "meta", "vendor")) {
                cc.get(k).flatMap(volid -> reader.read(node, volid))
                        .ifPresent(b -> custom.put(k, new String(b, StandardCharsets.UTF_8)));
            }
        }
        String user = custom.containsKey("user") ? custom.get("user") : proxmoxUserData(vmid, conf);
        String network = custom.containsKey("network") ? custom.get("network") : proxmoxNetwork(conf);
        String meta = custom.containsKey("meta") ? custom.get("meta") : "instance-id: " + sha1Hex(user + network) + "\n";
        return new CloudInitSeed("NoCloud [seed=/dev/sr0]", user, meta, network, instanceId(meta));
    }

    /**
     * qemu-server {@code PVE::QemuServer::Cloudinit::cloudinit_userdata}: hostname and fqdn
     * ({@code get_hostname_fqdn}), manage_etc_hosts, user, password, ssh keys, chpasswd expire
     * False, users: [default] unless the user is root, package_upgrade unless {@code ciupgrade: 0}.
     */
    static String proxmoxUserData(int vmid, Map<String, String> conf) {
        String hostname = conf.getOrDefault("name", "VM" + vmid);
        String fqdn;
        if (hostname.contains(".")) {
            fqdn = hostname;
            hostname = hostname.substring(0, hostname.indexOf('.'));
        } else if (conf.get("searchdomain") != null && !conf.get("searchdomain").isEmpty()) {
            fqdn = hostname + "." + conf.get("searchdomain");
        } else {
            fqdn = hostname;
        }
        StringBuilder c = new StringBuilder("#cloud-config\n");
        c.append("hostname: ").append(hostname).append('\n');
        c.append("manage_etc_hosts: true\n");
        c.append("fqdn: ").append(fqdn).append('\n');
        String username = conf.get("ciuser");
        String password = conf.get("cipassword");
        if (username != null) {
            c.append("user: ").append(username).append('\n');
            if (username.equals("root")) {
                c.append("disable_root: False\n");
            }
        }
        if (password != null) {
            c.append("password: ").append(password).append('\n');
        }
        if (conf.get("sshkeys") != null) {
            String keys = URLDecoder.decode(conf.get("sshkeys").replace("+", "%2B"), StandardCharsets.UTF_8);
            c.append("ssh_authorized_keys:\n");
            for (String k : keys.split("\n")) {
                if (!k.isBlank()) {
                    c.append("  - ").append(k.strip()).append('\n');
                }
            }
        }
        c.append("chpasswd:\n  expire: False\n");
        if (username == null || !username.equals("root")) {
            c.append("users:\n  - default\n");
        }
        if (!conf.containsKey("ciupgrade") || !conf.get("ciupgrade").equals("0")) {
            c.append("package_upgrade: true\n");
        }
        return c.toString();
    }

    /**
     * qemu-server {@code nocloud_network} (version 1). The simulated host has no resolv.conf, so
     * DNS comes only from the VM's {@code nameserver} and {@code searchdomain}.
     */
    static String proxmoxNetwork(Map<String, String> conf) {
        StringBuilder c = new StringBuilder("version: 1\nconfig:\n");
        String i = "    ";
        for (String key : new java.util.TreeSet<>(conf.keySet())) {
            if (!key.matches("net\\d+")) {
                continue;
            }
            String id = key.substring(3);
            String ipconfig = conf.get("ipconfig" + id);
            if (ipconfig == null || ipconfig.isEmpty()) {
                continue;
            }
            String mac = ConfigSchema.parseNet(conf.get(key)).get("macaddr").orElse("").toLowerCase(Locale.ROOT);
            PropertyString ip = PropertyString.parse(ipconfig);
            c.append(i).append("- type: physical\n").append(i).append("  name: eth").append(id).append('\n')
                    .append(i).append("  mac_address: '").append(mac).append("'\n").append(i).append("  subnets:\n");
            String j = i + "  ";
            ip.get("ip").ifPresent(v -> {
                if (v.equals("dhcp")) {
                    c.append(j).append("- type: dhcp4\n");
                } else {
                    String[] parts = v.split("/");
                    c.append(j).append("- type: static\n").append(j).append("  address: '").append(parts[0]).append("'\n")
                            .append(j).append("  netmask: '").append(netmask(Integer.parseInt(parts[1]))).append("'\n");
                    ip.get("gw").ifPresent(gw -> c.append(j).append("  gateway: '").append(gw).append("'\n"));
                }
            });
            ip.get("ip6").ifPresent(v -> {
                if (v.equals("dhcp")) {
                    c.append(j).append("- type: dhcp6\n");
                } else if (v.equals("auto")) {
                    c.append(j).append("- type: ipv6_slaac\n");
                } else {
                    c.append(j).append("- type: static6\n").append(j).append("  address: '").append(v).append("'\n");
                    ip.get("gw6").ifPresent(gw -> c.append(j).append("  gateway: '").append(gw).append("'\n"));
                }
            });
        }
        // get_dns_conf returns array refs, which are always true: the nameserver entry is always written
        c.append(i).append("- type: nameserver\n");
        String ns = conf.get("nameserver");
        if (ns != null && !ns.isBlank()) {
            c.append(i).append("  address:\n");
            for (String s : ns.trim().split("\\s+")) {
                c.append(i).append("  - '").append(s).append("'\n");
            }
        }
        String sd = conf.get("searchdomain");
        if (sd != null && !sd.isBlank()) {
            c.append(i).append("  search:\n");
            for (String s : sd.trim().split("\\s+")) {
                c.append(i).append("  - '").append(s).append("'\n");
            }
        }
        return c.toString();
    }

    private static String netmask(int prefix) {
        long m = prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
        return ((m >> 24) & 255) + "." + ((m >> 16) & 255) + "." + ((m >> 8) & 255) + "." + (m & 255);
    }

    static String sha1Hex(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The {@code instance-id} of a meta-data document (cloud-init reads it as YAML; a flat key is enough here). */
    static String instanceId(String meta) {
        if (meta != null) {
            for (String line : meta.split("\n")) {
                String t = line.trim();
                if (t.startsWith("instance-id:") || t.startsWith("instance_id:")) {
                    return t.substring(t.indexOf(':') + 1).trim().replaceAll("^['\"]|['\"]$", "");
                }
            }
        }
        // DataSourceNoCloud without an instance-id in meta-data uses "iid-dsnocloud"
        return "iid-dsnocloud";
    }

    // ---- NoCloud ISO ---------------------------------------------------------------------------

    /** The ISO's primary volume identifier (ECMA-119 8.4.6: bytes 40-71 of the descriptor at sector 16). */
    static String volumeLabel(byte[] iso) {
        int at = 16 * 2048;
        if (iso.length < at + 72 || iso[at] != 1 || !new String(iso, at + 1, 5, StandardCharsets.US_ASCII).equals("CD001")) {
            return null;
        }
        return new String(iso, at + 40, 32, StandardCharsets.US_ASCII).trim();
    }

    static Optional<CloudInitSeed> readIso(byte[] bytes, String drive) {
        String label = volumeLabel(bytes);
        if (label == null || !label.equalsIgnoreCase("cidata")) {
            return Optional.empty();
        }
        Map<String, String> files = isoFiles(bytes);
        String meta = files.get("meta-data");
        return Optional.of(new CloudInitSeed("NoCloud [seed=/dev/sr" + drive.replaceAll("\\D", "") + "]",
                files.get("user-data"), meta, files.get("network-config"), instanceId(meta)));
    }

    /** The root directory's files by their NoCloud names. */
    static Map<String, String> isoFiles(byte[] bytes) {
        Map<String, String> out = new TreeMap<>();
        Path tmp = null;
        try {
            tmp = Files.createTempFile("phoenix-cidata", ".iso");
            Files.write(tmp, bytes);
            File file = tmp.toFile();
            Iso9660FileSystem fs = new Iso9660FileSystem(file, true);
            try {
                for (Iso9660FileEntry e : fs) {
                    if (e.isDirectory() || e.getPath().contains("/")) {
                        continue;
                    }
                    String name = nocloudName(e.getName());
                    if (name != null) {
                        try (InputStream in = fs.getInputStream(e)) {
                            out.put(name, new String(in.readAllBytes(), StandardCharsets.UTF_8));
                        }
                    }
                }
            } finally {
                fs.close();
            }
        } catch (IOException e) {
            return out;
        } finally {
            if (tmp != null) {
                try {
                    Files.deleteIfExists(tmp);
                } catch (IOException ignored) {
                    // a temp file left behind is harmless
                }
            }
        }
        return out;
    }

    /** {@code user-data} (Joliet) or {@code USER_DAT.;1} / {@code USER_DAT} (ISO 9660 level 1) → {@code user-data}. */
    static String nocloudName(String isoName) {
        String n = isoName.toLowerCase(Locale.ROOT).replaceAll(";\\d+$", "").replaceAll("\\.$", "").replace('_', '-');
        if (n.equals("user-data") || n.startsWith("user-dat")) {
            return "user-data";
        }
        if (n.equals("meta-data") || n.startsWith("meta-dat")) {
            return "meta-data";
        }
        if (n.equals("network-config") || n.startsWith("network-")) {
            return "network-config";
        }
        if (n.equals("vendor-data") || n.startsWith("vendor-d")) {
            return "vendor-data";
        }
        return null;
    }
}
