package ai.thinkheads.phoenix.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The value of {@code boot}: {@code order=scsi0;ide2;net0} ({@code QemuServer.pm $boot_fmt},
 * {@code print_bootorder}). Devices are drives, NICs, USB or PCI devices ({@code verify_bootdev});
 * the deprecated {@code legacy=[acdn]} form is rejected.
 *
 * @param devices device keys in boot order, no duplicates
 */
public record BootOrder(List<String> devices) {

    // QemuServer.pm verify_bootdev: valid drive names (not efidisk/tpmstate), and net/usb/hostpci keys that exist:
    // net0-31 ($MAX_NETS = 32), usb0-13 (USB.pm $MAX_USB_DEVICES = 14), hostpci0-15 (PCI.pm $MAX_HOSTPCI_DEVICES = 16)
    private static final Pattern OTHER_DEVICE = Pattern.compile("^(net|usb|hostpci)(0|[1-9]\\d?)$");

    public BootOrder {
        devices = List.copyOf(devices);
        HashSet<String> seen = new HashSet<>();
        for (String d : devices) {
            if (!isBootDevice(d)) {
                throw new PropertyStringException("order: invalid boot device '" + d + "'");
            }
            if (!seen.add(d)) {
                throw new PropertyStringException("order: duplicate boot device '" + d + "'");
            }
        }
    }

    /** Whether {@code key} can appear in a boot order. */
    public static boolean isBootDevice(String key) {
        if (key == null) {
            return false;
        }
        if (DriveBus.ofKey(key).isPresent()) {
            return true;
        }
        Matcher m = OTHER_DEVICE.matcher(key);
        if (!m.matches()) {
            return false;
        }
        int max = m.group(1).equals("net") ? 31 : m.group(1).equals("usb") ? 13 : 15;
        return Integer.parseInt(m.group(2)) <= max;
    }

    public static BootOrder of(String... devices) {
        return new BootOrder(List.of(devices));
    }

    public static BootOrder parse(String text) {
        PropertyString ps = PropertyString.parse(text, "legacy");
        for (String key : ps.values().keySet()) {
            if (!key.equals("order")) {
                throw new PropertyStringException(key.equals("legacy")
                        ? "legacy boot order '" + ps.values().get(key) + "' is not supported; use order="
                        : "invalid key in comma-separated list property: " + key);
            }
        }
        List<String> devices = new ArrayList<>();
        String order = ps.values().get("order");
        if (order != null) {
            for (String d : order.split(";", -1)) {
                if (!d.isBlank()) {
                    devices.add(d.strip());
                }
            }
        }
        return new BootOrder(devices);
    }

    /** {@code order=a;b;c}; the empty order prints as the empty string. */
    public String format() {
        return devices.isEmpty() ? "" : "order=" + String.join(";", devices);
    }

    @Override
    public String toString() {
        return format();
    }
}
