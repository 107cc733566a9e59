/**
 * Builds the browser demo into one self-contained `index.html` (scripts and styles inlined), so it
 * opens from the file system in any modern browser with no server: browsers refuse to load module
 * scripts from `file://` URLs, but run inline ones.
 */
import { defineConfig, type Plugin } from 'vite'

const inlineEverything = (): Plugin => ({
  name: 'beckon-inline-everything',
  enforce: 'post',
  generateBundle(_options, bundle) {
    const page = Object.values(bundle).find((file) => file.type === 'asset' && file.fileName.endsWith('.html'))
    if (page === undefined || page.type !== 'asset') return
    let html = String(page.source)
    for (const [name, file] of Object.entries(bundle)) {
      if (file.type === 'chunk') {
        // `</script` inside the code would end the inline element; `<\/script` means the same to JavaScript.
        // With code splitting off, Vite 8 leaves its preload-list placeholder in the inlined dynamic
        // imports; no list means "nothing to preload", which is right for a single file.
        const code = file.code.replaceAll('</script', '<\\/script').replaceAll('__VITE_PRELOAD__', 'void 0')
        html = html.replace(new RegExp(`<script type="module" crossorigin src="[./]*${file.fileName}"></script>`), () => `<script type="module">${code}</script>`)
        delete bundle[name]
      } else if (file.fileName.endsWith('.css')) {
        html = html.replace(new RegExp(`<link rel="stylesheet" crossorigin href="[./]*${file.fileName}">`), () => `<style>${String(file.source)}</style>`)
        delete bundle[name]
      }
    }
    page.source = html
  },
})

export default defineConfig({
  root: import.meta.dirname,
  base: './',
  resolve: { conditions: ['source', 'browser', 'module', 'import', 'default'] },
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: true,
    rolldownOptions: { output: { codeSplitting: false } },
  },
  plugins: [inlineEverything()],
})
