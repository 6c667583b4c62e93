import { describe, expect, it } from 'vitest';
import { loadBundledPapers } from '../../src/corpus/bundled.ts';
import { repairFlattenedTex } from '../../src/corpus/normalize.ts';
import { silentLogger } from '../../src/logger.ts';
import { testLibrary } from '../helpers/library.ts';

describe('TeX that lost its backslashes (the bundled trending page)', () => {
  it('turns flattened math back into symbols', () => {
    expect(repairFlattenedTex('minimize a distance between Tsharpmu and nu, regularized by M^c_rho(T).')).toBe(
      'minimize a distance between T♯μ and ν, regularized by M^c_ρ(T).',
    );
    expect(repairFlattenedTex('consider maps T=nabla f_theta, and fit theta with SGD')).toBe('consider maps T=∇ f_θ, and fit θ with SGD');
    expect(repairFlattenedTex('as n/drightarrow 0')).toBe('as n/d→ 0');
    expect(repairFlattenedTex('mathcalO(mathcalC_Phi/m) and C_Phicirc, V^top_p, Sigma_p, W^star')).toBe('O(C_Φ/m) and C_Φ∘, V^⊤_p, Σ_p, W^⋆');
  });

  it('leaves English words, names and URLs alone', () => {
    for (const text of [
      'a differentiable beta distribution', 'Gaussian, Poisson, and Gamma noises', 'we identify a sharp transition',
      'maximum likelihood', 'model sharpness', 'mutual information', 'github.com/tianyic/only_train_once', 'SP^2OT and D^2O',
      'Psychology of Phishing', 'the alpha version',
    ]) expect(repairFlattenedTex(text), text).toBe(text);
  });

  it('leaves no flattened TeX in the bundled papers, as the database gives them back', async () => {
    const leaks = /\b(?:theta|rho|nabla|Psi|Phi)\b|sharpmu|drightarrow|_theta|_rho|mathcal/;
    const { library } = await testLibrary();
    const papers = await library.getMany(loadBundledPapers(silentLogger).map((p) => p.id));
    expect(papers).toHaveLength(74);
    const leaking = papers.filter((p) => leaks.test(p.titleDisplay) || leaks.test(p.abstractDisplay));
    expect(leaking.map((p) => p.titleDisplay)).toEqual([]);
    expect(papers.find((p) => p.titleDisplay.startsWith('The Monge Gap'))!.abstractDisplay).toContain('between T♯μ and ν, regularized by M^c_ρ(T)');
  });

  it('gives key terms that are topics: no Greek letter names, no title verbs', async () => {
    const { library } = await testLibrary();
    const bundled = await library.getMany(loadBundledPapers(silentLogger).map((p) => p.id));
    const terms = (title: RegExp): string[] => {
      const paper = bundled.find((p) => title.test(p.titleDisplay));
      if (!paper) throw new Error(`no paper ${title}`);
      return library.keyTerms(paper);
    };
    expect(terms(/^The Monge Gap/).some((t) => /^(?:theta|rho|nabla)$/i.test(t))).toBe(false);
    expect(terms(/Solving Inverse Problems/)).not.toContain('Solving');
    expect(terms(/^Integrating Efficient Optimal Transport/)).not.toContain('Integrating');
    expect(terms(/Solving Inverse Problems/)).toContain('Inverse');
  });
});
