/**
 * L2-regularised logistic regression, fitted by Newton's method (iteratively reweighted least squares) on
 * standardised features. Small and exact for the handful of features calibrate fits (one per health component):
 * the penalised log-likelihood is strictly concave, so Newton converges in a few steps to the one optimum, and the
 * same data always give the same weights. (ml-logistic-regression, the npm option, offers plain gradient descent
 * with a step count and learning rate but no penalty.)
 */

export interface LogisticModel {
  intercept: number;
  /** Per feature, on the features' own scale: the change in log-odds per unit. */
  coefficients: number[];
}

export interface FitOptions {
  /** The L2 penalty on standardised coefficients (the intercept is not penalised). */
  lambda: number;
  maxIterations?: number;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

/** Solves A x = b (A symmetric positive definite here) by Gaussian elimination with partial pivoting. */
function solve(matrix: number[][], vector: number[]): number[] {
  const n = vector.length;
  const a = matrix.map((row, i) => [...row, vector[i] ?? 0]);
  for (let col = 0; col < n; col++) {
    let pivot = col;
    for (let row = col + 1; row < n; row++)
      if (Math.abs(a[row]?.[col] ?? 0) > Math.abs(a[pivot]?.[col] ?? 0)) pivot = row;
    [a[col], a[pivot]] = [a[pivot] as number[], a[col] as number[]];
    const top = a[col] as number[];
    const lead = top[col] ?? 1;
    for (let row = col + 1; row < n; row++) {
      const current = a[row] as number[];
      const factor = (current[col] ?? 0) / lead;
      for (let k = col; k <= n; k++) current[k] = (current[k] ?? 0) - factor * (top[k] ?? 0);
    }
  }
  const x = new Array<number>(n).fill(0);
  for (let row = n - 1; row >= 0; row--) {
    const current = a[row] as number[];
    let sum = current[n] ?? 0;
    for (let k = row + 1; k < n; k++) sum -= (current[k] ?? 0) * (x[k] ?? 0);
    x[row] = sum / (current[row] ?? 1);
  }
  return x;
}

/** Fits P(y = 1) = sigmoid(intercept + coefficients · x) to rows of features and 0/1 labels. */
export function fitLogistic(
  rows: readonly number[][],
  labels: readonly number[],
  options: FitOptions,
): LogisticModel {
  const features = rows[0]?.length ?? 0;
  const n = rows.length;
  const mean = Array.from({ length: features }, (_, j) => rows.reduce((s, r) => s + (r[j] ?? 0), 0) / n);
  const sd = Array.from({ length: features }, (_, j) => {
    const variance = rows.reduce((s, r) => s + ((r[j] ?? 0) - (mean[j] ?? 0)) ** 2, 0) / n;
    return Math.sqrt(variance) || 1;
  });
  // Design rows: 1 for the intercept, then the standardised features.
  const design = rows.map((r) => [1, ...r.map((v, j) => (v - (mean[j] ?? 0)) / (sd[j] ?? 1))]);
  const size = features + 1;
  let beta = new Array<number>(size).fill(0);
  for (let iteration = 0; iteration < (options.maxIterations ?? 50); iteration++) {
    const gradient = new Array<number>(size).fill(0);
    const hessian = Array.from({ length: size }, () => new Array<number>(size).fill(0));
    design.forEach((x, i) => {
      const p = sigmoid(x.reduce((s, v, j) => s + v * (beta[j] ?? 0), 0));
      const w = p * (1 - p);
      const residual = (labels[i] ?? 0) - p;
      for (let j = 0; j < size; j++) {
        gradient[j] = (gradient[j] ?? 0) + residual * (x[j] ?? 0);
        const row = hessian[j] as number[];
        for (let k = 0; k < size; k++) row[k] = (row[k] ?? 0) + w * (x[j] ?? 0) * (x[k] ?? 0);
      }
    });
    for (let j = 1; j < size; j++) {
      gradient[j] = (gradient[j] ?? 0) - options.lambda * (beta[j] ?? 0);
      const row = hessian[j] as number[];
      row[j] = (row[j] ?? 0) + options.lambda;
    }
    // A tiny ridge on the intercept keeps the system solvable when every label is the same.
    (hessian[0] as number[])[0] = ((hessian[0] as number[])[0] ?? 0) + 1e-9;
    const step = solve(hessian, gradient);
    beta = beta.map((b, j) => b + (step[j] ?? 0));
    if (Math.max(...step.map(Math.abs)) < 1e-10) break;
  }
  const coefficients = Array.from({ length: features }, (_, j) => (beta[j + 1] ?? 0) / (sd[j] ?? 1));
  const intercept = (beta[0] ?? 0) - coefficients.reduce((s, c, j) => s + c * (mean[j] ?? 0), 0);
  return { intercept, coefficients };
}

export const predictLogistic = (model: LogisticModel, row: readonly number[]) =>
  sigmoid(model.intercept + model.coefficients.reduce((s, c, j) => s + c * (row[j] ?? 0), 0));
