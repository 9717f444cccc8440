/**
 * Heavy-ball momentum on the MSE loss with a constant kernel, one eigenvalue at a time.
 *
 * The optimizer is v ← μ·v + ∇θL, θ ← θ − η·v with v₀ = 0 (Polyak 1964; PyTorch SGD(momentum=μ),
 * optax.sgd(momentum)), L = (1/2N)·Σ‖f − y‖². For the linearized network (Lee et al. 2019, eq. 5) the
 * velocity's image is J·v_s = (1/N)·K·V·diag(z_s)·Vᵀ·m₀ (m₀ = f₀ − y, K = V·diag(λ)·Vᵀ), so along an
 * eigenvector with eigenvalue λ (u = η·λ/N) the residual coefficient ρ_s, the velocity coefficient z_s and
 * the running sum a_s = Σ_{j≤s} z_j obey, from (ρ₀, z₀, a₀) = (1, 0, 0),
 *
 *   z_{s+1} = μ·z_s + ρ_s,   ρ_{s+1} = ρ_s − u·z_{s+1},   a_{s+1} = a_s + z_{s+1},
 *
 * i.e. (ρ, z, a)_s = M^s·e₁ with M = [[1 − u, −u·μ, 0], [1, μ, 0], [1, μ, 1]]. Train residuals are
 * m_s = Σᵢ ρᵢ,s⟨vᵢ, m₀⟩vᵢ and test outputs f_test,s = f_test,0 − (η/N)·K_*X·V·diag(aᵢ,s)·Vᵀ·m₀ (the same
 * form as plain GD, whose a_s = Σ_{j<s}(1 − u)^j; μ = 0 gives it back). The residual converges iff
 * 0 < u < 2(1 + μ) for 0 ≤ μ < 1 (the roots of r² − (1 + μ − u)·r + μ lie inside the unit circle), the
 * momentum-aware bound η < 2(1 + μ)·N/λ_max (Goh 2017, "Why momentum really works", "The dynamics of momentum").
 *
 * M^s is formed by repeated squaring (⌈log₂ s⌉ 3×3 products), exact to round-off at any integer s.
 */
export function momentumFactors(u: number, mu: number, s: number): { rho: number; cumulative: number } {
  // Rows of the 3×3 matrices, row-major.
  let P = [1, 0, 0, 0, 1, 0, 0, 0, 1];
  let B = [1 - u, -u * mu, 0, 1, mu, 0, 1, mu, 1];
  let k = s;
  while (k > 0) {
    if (k % 2 === 1) P = mul3(P, B);
    k = Math.floor(k / 2);
    if (k > 0) B = mul3(B, B);
  }
  // First column of M^s: (ρ_s, z_s, a_s).
  return { rho: P[0], cumulative: P[6] };
}

function mul3(A: number[], B: number[]): number[] {
  const C = new Array<number>(9);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++)
      C[i * 3 + j] = A[i * 3] * B[j] + A[i * 3 + 1] * B[3 + j] + A[i * 3 + 2] * B[6 + j];
  return C;
}

/** Whether heavy ball with momentum μ converges along an eigenvalue with u = η·λ/N: u < 2(1 + μ). */
export function momentumConverges(u: number, mu: number): boolean {
  return u < 2 * (1 + mu);
}

/**
 * Continuous-time heavy ball (neural-tangents' `gradient_descent` with momentum) on the MSE loss, one
 * eigenvalue at a time: in τ = √η·s, with a = λ/N and γ = (μ − 1)/√η, the residual coefficient and the
 * test coefficient β (f_test = f_test,0 − K_*X·V·diag(β)·Vᵀ·m₀) solve, from rest,
 *
 *   ρ″ = −a·ρ + γ·ρ′,  ρ(0) = 1, ρ′(0) = 0;     β″ = ρ/N + γ·β′,  β(0) = β′(0) = 0,
 *
 * the linear system x′ = A·x, x = (ρ, ρ′, β, β′), A = [[0, 1, 0, 0], [−a, γ, 0, 0], [0, 0, 0, 1], [1/N, 0, 0, γ]],
 * so x(τ) is the first column of e^{τA}: by scaling and squaring of its Taylor series (‖τA/2ᵏ‖∞ ≤ 1/2,
 * 24 terms: truncation < 1e-30), which covers the under-, critically and over-damped cases and a = 0
 * alike without cancellation (for a > 0, β = (1 − ρ)/λ).
 */
export function continuousMomentumFactors(
  a: number,
  gamma: number,
  n: number,
  tau: number,
): { rho: number; cumulative: number } {
  if (tau === 0) return { rho: 1, cumulative: 0 };
  const A = [0, 1, 0, 0, -a, gamma, 0, 0, 0, 0, 0, 1, 1 / n, 0, 0, gamma].map((v) => v * tau);
  let norm = 0;
  for (let i = 0; i < 4; i++)
    norm = Math.max(
      norm,
      Math.abs(A[4 * i]) + Math.abs(A[4 * i + 1]) + Math.abs(A[4 * i + 2]) + Math.abs(A[4 * i + 3]),
    );
  const k = Math.max(0, Math.ceil(Math.log2(norm)) + 1);
  const scale = 2 ** -k;
  const As = A.map((v) => v * scale);
  let E = [1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1];
  let term = E.slice();
  for (let j = 1; j <= 24; j++) {
    term = mul4(term, As).map((v) => v / j);
    E = E.map((v, i) => v + term[i]);
  }
  for (let j = 0; j < k; j++) E = mul4(E, E);
  // First column: (ρ, ρ′, β, β′).
  return { rho: E[0], cumulative: E[8] };
}

function mul4(A: number[], B: number[]): number[] {
  const C = new Array<number>(16).fill(0);
  for (let i = 0; i < 4; i++)
    for (let l = 0; l < 4; l++) {
      const x = A[4 * i + l];
      if (x !== 0) for (let j = 0; j < 4; j++) C[4 * i + j] += x * B[4 * l + j];
    }
  return C;
}
