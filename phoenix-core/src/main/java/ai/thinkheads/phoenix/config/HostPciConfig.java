package ai.thinkheads.phoenix.config;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The value of a {@code hostpci[n]} option: {@code 0000:01:00.0,pcie=1,x-vga=1} or
 * {@code mapping=gpu,pcie=1} ({@code QemuServer/PCI.pm $hostpci_fmt}; {@code host} is the default
 * key; exactly one of {@code host} and {@code mapping}).
 *
 * @param host host PCI id(s), {@code ;}-separated ({@code $PCIRE}), or null
 * @param mapping cluster-wide resource mapping id (format pve-configid), or null
 * @param pcie use the PCIe bus (needs q35), or null for the default
 * @param xVga vfio-vga support, or null
 * @param rombar ROM visible in the guest memory map, or null
 */
public record HostPciConfig(String host, String mapping, Boolean pcie, Boolean xVga, Boolean rombar) {

    // PCI.pm $PCIRE, lower-case hex
    private static final String PCI_ID = "(?:[a-f0-9]{4,}:)?[a-f0-9]{2}:[a-f0-9]{2}(?:\\.[a-f0-9])?";
    private static final Pattern HOST = Pattern.compile("^" + PCI_ID + "(?:;" + PCI_ID + ")*$");
    // pve-common $CONFIGID_RE
    private static final Pattern CONFIG_ID = Pattern.compile("^[a-z][a-z0-9_-]+$", Pattern.CASE_INSENSITIVE);

    public HostPciConfig {
        if ((host == null) == (mapping == null)) {
            throw new PropertyStringException("hostpci: exactly one of 'host' and 'mapping' must be given");
        }
        if (host != null && !HOST.matcher(host).matches()) {
            throw new PropertyStringException("host: '" + host + "' is not a PCI id like 0000:01:00.0 or 01:00");
        }
        if (mapping != null && !CONFIG_ID.matcher(mapping).matches()) {
            throw new PropertyStringException("mapping: invalid configuration ID '" + mapping + "'");
        }
    }

    public static HostPciConfig host(String pciId) {
        return new HostPciConfig(pciId, null, null, null, null);
    }

    public static HostPciConfig mapping(String mappingId) {
        return new HostPciConfig(null, mappingId, null, null, null);
    }

    public static HostPciConfig parse(String text) {
        PropertyString ps = PropertyString.parse(text, "host");
        Map<String, String> v = ps.values();
        for (String key : v.keySet()) {
            if (!key.matches("host|mapping|pcie|x-vga|rombar")) {
                throw new PropertyStringException("invalid key in comma-separated list property: " + key);
            }
        }
        return new HostPciConfig(v.get("host"), v.get("mapping"), bool(v, "pcie"), bool(v, "x-vga"), bool(v, "rombar"));
    }

    public HostPciConfig withPcie(boolean value) {
        return new HostPciConfig(host, mapping, value, xVga, rombar);
    }

    public HostPciConfig withXVga(boolean value) {
        return new HostPciConfig(host, mapping, pcie, value, rombar);
    }

    public HostPciConfig withRombar(boolean value) {
        return new HostPciConfig(host, mapping, pcie, xVga, value);
    }

    public String format() {
        Map<String, String> values = new LinkedHashMap<>();
        if (host != null) {
            values.put("host", host);
        }
        if (mapping != null) {
            values.put("mapping", mapping);
        }
        if (pcie != null) {
            values.put("pcie", ProxmoxBoolean.format(pcie));
        }
        if (xVga != null) {
            values.put("x-vga", ProxmoxBoolean.format(xVga));
        }
        if (rombar != null) {
            values.put("rombar", ProxmoxBoolean.format(rombar));
        }
        return PropertyString.of("host", values).format();
    }

    @Override
    public String toString() {
        return format();
    }

    private static Boolean bool(Map<String, String> v, String key) {
        return v.containsKey(key) ? ProxmoxBoolean.parse(key, v.get(key)) : null;
    }
}
