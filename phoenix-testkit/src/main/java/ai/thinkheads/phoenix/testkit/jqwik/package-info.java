/**
 * jqwik set-up shared by Phoenix's test trees. Start with
 * {@link ai.thinkheads.phoenix.testkit.jqwik.ShrunkSampleInFailureMessage}, which makes a failing
 * property's shrunk sample part of its failure message.
 */
package ai.thinkheads.phoenix.testkit.jqwik;
