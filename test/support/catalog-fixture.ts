import type { CatalogFile, CatalogServiceDef } from '../../services/catalog/catalog-format';

/** A small valid catalog for tests: three services (one informative) and out-of-scope examples. */
export function smallCatalog(): CatalogFile {
  return {
    format: 'ventanilla.catalog/v1',
    language: 'es',
    referral: { message: 'Ese trámite no lo atiende este centro. Le sugerimos llamar a Servicios Escolares.', phone: '55 5729 6000' },
    services: [
      service('CORREO-CONTRASENA', 'Restablecimiento de contraseña de correo', 'Correo electrónico', {
        kind: 'request',
        examples: ['olvidé la contraseña de mi correo', 'no puedo entrar a mi correo institucional', 'necesito cambiar mi password del correo', 'mi cuenta de correo dice contraseña incorrecta'],
      }),
      service('RED-WIFI', 'Falla de conexión a la red inalámbrica', 'Red inalámbrica', {
        kind: 'fault',
        examples: ['no me conecta el wifi', 'la red inalámbrica no funciona en el edificio', 'no hay internet inalámbrico en la biblioteca', 'el wifi se desconecta a cada rato'],
        selfHelp: ['Olvide la red y vuelva a conectarse con su usuario institucional.'],
        diagnostics: [
          { id: 'otro-equipo', question: '¿Le pasa también en otro equipo?', answer: 'yesno' },
          { id: 'edificio', question: '¿En qué edificio está?', answer: 'choice', options: ['Edificio 1', 'Edificio 2', 'Otro'] },
        ],
      }),
      service('HORARIO-CAU', 'Horario y ubicación del Centro de Atención', 'Información general', {
        scope: 'informative',
        kind: 'request',
        examples: ['a qué hora abren el centro de atención', 'dónde están ubicados', 'cuál es el horario de atención', 'hasta qué hora atienden'],
      }),
    ],
    outOfScope: { examples: ['quiero ver mis calificaciones', '¿cuándo pagan la beca?', 'necesito una constancia de estudios', 'préstamo de libros en la biblioteca'] },
  };
}

export function service(code: string, name: string, category: string, over: Partial<CatalogServiceDef> = {}): CatalogServiceDef {
  return {
    code,
    name,
    category,
    scope: 'sai',
    kind: 'request',
    resolverGroup: 'Mesa de ayuda',
    examples: [`ejemplo de ${name.toLowerCase()}`],
    selfHelp: [],
    diagnostics: [],
    defaultUrgency: 'medium',
    active: true,
    ...over,
  };
}
