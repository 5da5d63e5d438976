package ai.thinkheads.phoenix.hypervisor;

import java.util.List;
import java.util.Objects;

/**
 * One network interface the guest agent reports ({@code network-get-interfaces}).
 *
 * @param name guest-side name, e.g. {@code eth0}, {@code lo}
 * @param macAddress hardware address, lower case, or empty
 * @param addresses its addresses
 */
public record GuestInterface(String name, String macAddress, List<Address> addresses) {

    public GuestInterface {
        Objects.requireNonNull(name, "name");
        macAddress = macAddress == null ? "" : macAddress;
        addresses = List.copyOf(addresses);
    }

    /** An address: {@code ipv4} or {@code ipv6}, with its prefix length. */
    public record Address(String type, String address, int prefix) {
        public Address {
            Objects.requireNonNull(type, "type");
            Objects.requireNonNull(address, "address");
        }

        public boolean isIpv4() {
            return "ipv4".equals(type);
        }
    }
}
