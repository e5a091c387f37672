/** Limited-memory BFGS (m = 10) with a backtracking Armijo line search; minimises `f`. */
export function lbfgs(
  f: (x: Float64Array, grad: Float64Array) => number,
  x0: Float64Array,
  maxIter: number,
  tolerance: number,
  memory = 10,
): Float64Array {
  const size = x0.length;
  let x = x0.slice();
  let g = new Float64Array(size);
  let fx = f(x, g);
  const s: Float64Array[] = [];
  const yv: Float64Array[] = [];
  const rho: number[] = [];
  const direction = new Float64Array(size);
  const alphas = new Float64Array(memory);
  const xNew = new Float64Array(size);
  const gNew = new Float64Array(size);
  const maxAbs = (v: Float64Array) => v.reduce((m, a) => Math.max(m, Math.abs(a)), 0);
  for (let iter = 0; iter < maxIter && maxAbs(g) > tolerance; iter++) {
    // Two-loop recursion: direction = -H g.
    for (let j = 0; j < size; j++) direction[j] = -g[j]!;
    for (let m = s.length - 1; m >= 0; m--) {
      let a = 0;
      for (let j = 0; j < size; j++) a += s[m]![j]! * direction[j]!;
      a *= rho[m]!;
      alphas[m] = a;
      for (let j = 0; j < size; j++) direction[j]! -= a * yv[m]![j]!;
    }
    if (s.length > 0) {
      const last = s.length - 1;
      let yy = 0;
      for (let j = 0; j < size; j++) yy += yv[last]![j]! * yv[last]![j]!;
      const gamma = 1 / (rho[last]! * yy);
      for (let j = 0; j < size; j++) direction[j]! *= gamma;
    } else {
      const scale = 1 / Math.max(1, Math.sqrt(g.reduce((t, v) => t + v * v, 0)));
      for (let j = 0; j < size; j++) direction[j]! *= scale;
    }
    for (let m = 0; m < s.length; m++) {
      let bb = 0;
      for (let j = 0; j < size; j++) bb += yv[m]![j]! * direction[j]!;
      bb *= rho[m]!;
      const a = alphas[m]!;
      for (let j = 0; j < size; j++) direction[j]! += s[m]![j]! * (a - bb);
    }
    let slope = 0;
    for (let j = 0; j < size; j++) slope += g[j]! * direction[j]!;
    if (slope >= 0) {
      // Not a descent direction: restart from steepest descent.
      s.length = 0;
      yv.length = 0;
      rho.length = 0;
      for (let j = 0; j < size; j++) direction[j] = -g[j]!;
      slope = -g.reduce((t, v) => t + v * v, 0);
    }
    let step = 1;
    let fNew = 0;
    for (let tries = 0; ; tries++) {
      for (let j = 0; j < size; j++) xNew[j] = x[j]! + step * direction[j]!;
      fNew = f(xNew, gNew);
      if (fNew <= fx + 1e-4 * step * slope || tries >= 30) break;
      step *= 0.5;
    }
    const sk = new Float64Array(size);
    const yk = new Float64Array(size);
    let sy = 0;
    for (let j = 0; j < size; j++) {
      sk[j] = xNew[j]! - x[j]!;
      yk[j] = gNew[j]! - g[j]!;
      sy += sk[j]! * yk[j]!;
    }
    const improved = fx - fNew;
    x = xNew.slice();
    g = gNew.slice();
    fx = fNew;
    if (sy > 1e-10) {
      if (s.length === memory) {
        s.shift();
        yv.shift();
        rho.shift();
      }
      s.push(sk);
      yv.push(yk);
      rho.push(1 / sy);
    }
    if (improved >= 0 && improved < 1e-10 * Math.max(1, Math.abs(fx))) break;
  }
  return x;
}
