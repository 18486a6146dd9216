// Project install step: builds what can be built here and warns (never fails) about the rest.
console.log('[attention-lab] postinstall placeholder');
