package io.mailroom.console;

import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;

import java.util.List;

/**
 * What a page of the console owes a reader who does not use a mouse or does not see well, checked
 * in the browser on the page as rendered: the document names its language; every form control has a
 * label (a {@code <label for>}, an enclosing label or an {@code aria-label}); every button and link
 * has a name; every image has {@code alt}; no positive {@code tabindex} reorders the keyboard; and
 * text has a WCAG AA contrast with the background it is drawn on (4.5:1, 3:1 for large text).
 */
final class PageAudit {
  private static final String SCRIPT = """
      const problems = [];
      const short = e => e.outerHTML.slice(0, 120);
      if (!document.documentElement.lang) problems.push('the page names no language');
      document.querySelectorAll('input:not([type=hidden]), select, textarea').forEach(e => {
        const byFor = e.id && document.querySelector('label[for="' + CSS.escape(e.id) + '"]');
        if (!byFor && !e.closest('label') && !e.getAttribute('aria-label') && !e.getAttribute('aria-labelledby')) {
          problems.push('a control without a label: ' + short(e));
        }
      });
      document.querySelectorAll('button, a[href]').forEach(e => {
        if (!(e.textContent.trim() || e.getAttribute('aria-label') || e.querySelector('img[alt]'))) {
          problems.push('a button or link without a name: ' + short(e));
        }
      });
      document.querySelectorAll('img:not([alt])').forEach(e => problems.push('an image without alt: ' + short(e)));
      document.querySelectorAll('[tabindex]').forEach(e => {
        if (parseInt(e.getAttribute('tabindex'), 10) > 0) problems.push('a positive tabindex: ' + short(e));
      });
      const rgb = c => { const m = c.match(/[\\d.]+/g).map(Number); return {r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1}; };
      const lum = c => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
        return 0.2126 * f(c.r) + 0.7152 * f(c.g) + 0.0722 * f(c.b); };
      const background = e => { for (let n = e; n; n = n.parentElement) { const c = rgb(getComputedStyle(n).backgroundColor);
        if (c.a > 0.9) return c; } return {r: 255, g: 255, b: 255, a: 1}; };
      document.querySelectorAll('body *').forEach(e => {
        const text = [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim());
        const style = getComputedStyle(e);
        if (!text || style.visibility === 'hidden' || style.display === 'none' || e.offsetParent === null) return;
        const fg = lum(rgb(style.color)), bg = lum(background(e));
        const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
        const size = parseFloat(style.fontSize), bold = parseInt(style.fontWeight, 10) >= 700;
        const needed = size >= 24 || (bold && size >= 18.66) ? 3 : 4.5;
        if (ratio < needed) problems.push('contrast ' + ratio.toFixed(2) + ' under ' + needed + ': ' + short(e));
      });
      return problems;
      """;

  private PageAudit() {
  }

  /** What the page in {@code driver} lacks; empty when nothing. */
  @SuppressWarnings("unchecked")
  static List<String> problems(WebDriver driver) {
    return (List<String>) ((JavascriptExecutor) driver).executeScript(SCRIPT);
  }
}
