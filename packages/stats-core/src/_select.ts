/**
 * Reorders `values` in place so that `values[k]` is the value a sorted copy would hold at index k,
 * every element before k is <= it, and every element after k is >= it.
 *
 * Quickselect with Hoare partitioning around the median of three randomly chosen elements. The random
 * choice makes the expected cost O(n) for every input, and runs of equal values split near the
 * middle instead of degrading to O(n^2). Comparisons are numeric because the array is a Float64Array.
 * NaN must not occur, because it compares false with everything.
 */
export function selectInPlace(values: Float64Array, k: number): void {
  let left = 0;
  let right = values.length - 1;

  while (left < right) {
    const pivot = medianOfThreeRandom(values, left, right);

    // Scan from both ends, swapping pairs that sit on the wrong side. The pivot value occurs in the
    // range, so each scan stops inside it on the first round, and later at a swapped element.
    let i = left;
    let j = right;
    while (i <= j) {
      while ((values[i] as number) < pivot) {
        i++;
      }
      while ((values[j] as number) > pivot) {
        j--;
      }
      if (i <= j) {
        const swapped = values[i] as number;
        values[i] = values[j] as number;
        values[j] = swapped;
        i++;
        j--;
      }
    }

    // Now values[left..j] <= pivot, values[i..right] >= pivot, and any index between j and i contains the pivot.
    // The first round always swaps, so j < right and i > left, and the range shrinks on every round.
    if (k <= j) {
      right = j;
    } else if (k >= i) {
      left = i;
    } else {
      return;
    }
  }
}

function medianOfThreeRandom(values: Float64Array, left: number, right: number): number {
  const width = right - left + 1;
  const a = values[left + Math.floor(Math.random() * width)] as number;
  const b = values[left + Math.floor(Math.random() * width)] as number;
  const c = values[left + Math.floor(Math.random() * width)] as number;

  const low = Math.min(a, b);
  const high = Math.max(a, b);
  if (c < low) {
    return low;
  }
  if (c > high) {
    return high;
  }
  return c;
}
