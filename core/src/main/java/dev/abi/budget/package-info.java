/**
 * How much work one request may ask for (ComputeBudget) and how it is stopped when its client leaves
 * (Cancellation), with their typed failures. Depends on nothing else in core.
 */
package dev.abi.budget;
