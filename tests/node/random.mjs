// A small seeded generator (xorshift32) for the model tests: a failing schedule or sequence can
// be run again from its seed. `random(seed)(n)` is a number in 0..n.
export function random(seed) {
  let s = seed >>> 0 || 1;
  return (n) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
}
