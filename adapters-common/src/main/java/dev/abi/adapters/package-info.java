/**
 * What the cloud adapters share: the canonical CloudEvent of an object event (CloudEvents SDK), the lenient JSON
 * helpers of event decoding, the typed error for a malformed event, and ObjectEventHandler, which sends canonical
 * events through core's event processor.
 */
package dev.abi.adapters;
